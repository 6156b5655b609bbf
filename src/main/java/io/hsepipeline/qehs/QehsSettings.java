package io.hsepipeline.qehs;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hse.qehs.*}: where QEHS is, its API key, and the module records go to when a folder names none. */
@ConfigurationProperties("hse.qehs")
public record QehsSettings(String baseUrl, String apiKey, String moduleKey) {
}
