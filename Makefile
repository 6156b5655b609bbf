# hse-pipeline: the commands users run. `make run` and `make test` are the two that matter.
MVN ?= mvn -B
DEV_CP := target/dev-classpath.txt
JAVA_OPTS ?=

.PHONY: run test check check-local sandbox tail replay package image k8s dev-classes clean

## run: embedded Kafka, the sandbox and the application, wired together (Ctrl-C stops all)
run: dev-classes
	java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.dev.LocalRun

## test: every test, against a real in-process Kafka broker and the sandbox
test:
	$(MVN) test

## check: first contact with the configured services (settings from the environment); creates nothing, exits 1 on a failed check
check: dev-classes
	@java $(JAVA_OPTS) -cp "target/classes:$$(cat $(DEV_CP))" io.hsepipeline.preflight.PreflightMain

## check-local: the same checks with make run's settings, against a sandbox of its own
check-local: dev-classes
	@java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.dev.LocalCheck

## sandbox: the four service stand-ins alone, on ports 9101-9104
sandbox: dev-classes
	java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.sandbox.SandboxMain

## tail TOPIC=hse.documents.received: print a topic's records as JSON lines
tail: dev-classes
	@test -n "$(TOPIC)" || { echo "usage: make tail TOPIC=hse.documents.received" >&2; exit 2; }
	@java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.dev.TopicTail "$(TOPIC)"

## replay DLT=hse.dlt.qehs [PARTITION=0 OFFSET=12]: send dead letters back to the topic they came from
replay: dev-classes
	@test -n "$(DLT)" || { echo "usage: make replay DLT=hse.dlt.qehs [PARTITION=0 OFFSET=12]" >&2; exit 2; }
	@java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.dev.ReplayDeadLetters "$(DLT)" $(if $(OFFSET),"$(or $(PARTITION),0)" "$(OFFSET)")

## package: the application jar, target/hse-pipeline-*.jar
package:
	$(MVN) -DskipTests package

## image [IMAGE=hse-pipeline:latest]: the container image, with docker or else podman
IMAGE ?= hse-pipeline:latest
image:
	@engine=$$(if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then echo docker; \
		elif command -v podman >/dev/null 2>&1; then echo podman; fi); \
	if [ -z "$$engine" ]; then echo "make image needs a container engine: Docker with its daemon running, or Podman (apt-get install podman)" >&2; exit 1; fi; \
	$(MAKE) package && $$engine build -t $(IMAGE) .

## k8s: renders kubernetes/overlays/dev and prod to target/k8s/dev.yaml and target/k8s/prod.yaml
k8s:
	@command -v kubectl >/dev/null 2>&1 || { echo "make k8s needs kubectl (1.27 or newer, it carries kustomize): https://kubernetes.io/docs/tasks/tools/" >&2; exit 1; }
	@mkdir -p target/k8s
	kubectl kustomize kubernetes/overlays/dev > target/k8s/dev.yaml
	kubectl kustomize kubernetes/overlays/prod > target/k8s/prod.yaml
	@echo "target/k8s/dev.yaml and target/k8s/prod.yaml"

dev-classes:
	$(MVN) -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(DEV_CP)

clean:
	$(MVN) -q clean
