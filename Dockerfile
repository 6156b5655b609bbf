# The application image: make image builds the jar (make package) first, then this.
# Stage 1 only splits the Spring Boot jar into layers, so a new build of the code ships the application layer alone.
FROM eclipse-temurin:17-jre AS layers
WORKDIR /build
COPY target/hse-pipeline-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

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
# a numeric user, so Kubernetes' runAsNonRoot can verify it
USER 10001:10001
EXPOSE 8080 8081
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
