package io.hsepipeline.fourhse;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hse.fourhse.*}: where 4HSE is, how to log in (password grant, or an API key when one is set), and the
 * defaults a watched folder's own 4HSE settings override. The project's name (hse.fourhse.project-name) is read by
 * routes/50-fourhse.camel.yaml itself.
 */
@ConfigurationProperties("hse.fourhse")
public record FourHseSettings(String baseUrl, String tokenUrl, String clientId, String username, String password,
                              String apiKey, long tokenMarginSeconds, String resourceId,
                              String actionId, String actionType, int validity, String validityUnit) {

    public boolean usesApiKey() {
        return apiKey != null && !apiKey.isBlank();
    }
}
