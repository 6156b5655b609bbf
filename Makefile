# hse-pipeline: the commands users run. `make run` and `make test` are the two that matter.
MVN ?= mvn -B
DEV_CP := target/dev-classpath.txt
JAVA_OPTS ?=

.PHONY: run test sandbox tail replay package dev-classes clean

## run: embedded Kafka, the sandbox and the application, wired together (Ctrl-C stops all)
run: dev-classes
	java $(JAVA_OPTS) -cp "target/classes:target/test-classes:$$(cat $(DEV_CP))" io.hsepipeline.dev.LocalRun

## test: every test, against a real in-process Kafka broker and the sandbox
test:
	$(MVN) test

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

dev-classes:
	$(MVN) -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$(DEV_CP)

clean:
	$(MVN) -q clean
