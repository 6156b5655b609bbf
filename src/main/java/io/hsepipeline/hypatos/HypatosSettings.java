package io.hsepipeline.hypatos;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hse.hypatos.*}: where Hypatos is, the client's credentials and project, and how tokens are kept.
 * The routes read the same settings as placeholders.
 *
 * @param tokenRefreshMargin a cached token is fetched again this long before it expires
 */
@ConfigurationProperties("hse.hypatos")
public record HypatosSettings(String baseUrl, String clientId, String clientSecret, String projectId,
                              Duration tokenRefreshMargin) {

    public HypatosSettings {
        tokenRefreshMargin = tokenRefreshMargin == null ? Duration.ZERO : tokenRefreshMargin;
    }

    /** toString without the secret, should a settings object ever be logged. */
    @Override
    public String toString() {
        return "HypatosSettings[baseUrl=" + baseUrl + ", clientId=" + clientId + ", projectId=" + projectId
                + ", tokenRefreshMargin=" + tokenRefreshMargin + "]";
    }
}
