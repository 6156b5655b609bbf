# The application image: make image builds the jar (make package) first, then this.
# Stage 1 only splits the Spring Boot jar into layers, so a new build of the code ships the application layer alone.
# Plain jars (app.jar and lib/, no launcher): class data sharing reads classes from jars only.
FROM eclipse-temurin:17-jre AS layers
WORKDIR /build
COPY target/hse-pipeline-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted

# Stage 2: a JRE, the layers and the default routes and mappings; no JDK, no Maven.
FROM eclipse-temurin:17-jre
WORKDIR /app
# least-changing layers first
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
# the defaults; Kubernetes mounts its ConfigMaps over these two folders
COPY routes/*.camel.yaml /app/routes/
COPY routes/mappings/ /app/mappings/
ENV HSE_ROUTES=file:/app/routes/*.camel.yaml \
    HSE_MAPPINGS_DIR=/app/mappings \
    HSE_SHARE_DIR=/data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Dpdfbox.fontcache=/tmp"
# Start-up: one training start that ends once the context is up writes an AppCDS archive of every class it loaded
# (no broker needed: Kafka is reached in the background). Measured on 2 busy cores, CPU used until readiness UP:
# 30 s plain, 22 s with the archive, 10 to 13 s with the archive and the C1 compiler only (README, Performance).
# The pipeline's pace is the services' limits, not its own CPU (make bench ran with C1 only). JDK_JAVA_OPTIONS
# rather than the entry point, so a deployment may set it otherwise; Kubernetes sets JAVA_TOOL_OPTIONS itself.
RUN HSE_SHARE_DIR=/tmp/cds-share HSE_PREFLIGHT_AT_START=false KAFKA_BOOTSTRAP_SERVERS=localhost:1 \
        java -XX:ArchiveClassesAtExit=/app/app.jsa -XX:TieredStopAtLevel=1 -Dspring.context.exit=onRefresh \
        -jar app.jar > /tmp/cds-training.log 2>&1 \
    || { cat /tmp/cds-training.log; exit 1; }; \
    rm -rf /tmp/cds-share /tmp/cds-training.log /tmp/tomcat.* /tmp/tomcat-docbase.* /tmp/hsperfdata_root
ENV JDK_JAVA_OPTIONS="-XX:SharedArchiveFile=/app/app.jsa -XX:TieredStopAtLevel=1"
# a numeric user, so Kubernetes' runAsNonRoot can verify it
USER 10001:10001
EXPOSE 8080 8081
ENTRYPOINT ["java", "-jar", "app.jar"]
