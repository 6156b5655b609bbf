package io.hsepipeline.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.Test;

/** Which service an endpoint address belongs to, and how a call's outcome is named. */
class ServiceCallNotifierTest {

    private final ServiceCallNotifier notifier = new ServiceCallNotifier(null, "https://api.cloud.hypatos.ai/v2",
            "https://kaimakicloud.hsegenius.com", "http://localhost:9103",
            "http://localhost:9103/realms/4hse/protocol/openid-connect/token", "https://app.qehsethos.com");

    @Test
    void endpointBelongsToTheServiceWhoseBaseUrlStartsIt() {
        assertThat(notifier.serviceOf("https://api.cloud.hypatos.ai/v2?throwExceptionOnFailure=true")).isEqualTo("hypatos");
        assertThat(notifier.serviceOf("https://api.cloud.hypatos.ai/v2/auth/token")).isEqualTo("hypatos");
        assertThat(notifier.serviceOf("http://kaimakicloud.hsegenius.com")).isEqualTo("hsegenius");
        assertThat(notifier.serviceOf("http://localhost:9103/realms/4hse/protocol/openid-connect/token")).isEqualTo("fourhse");
        assertThat(notifier.serviceOf("https://app.qehsethos.com/api/v1/records")).isEqualTo("qehs");
        assertThat(notifier.serviceOf("https://example.com/other")).isNull();
    }

    @Test
    void outcomeSaysWhetherTheServiceAnswered() {
        assertThat(ServiceCallMetrics.outcome(200, null)).isEqualTo("ok");
        assertThat(ServiceCallMetrics.outcome(404, null)).isEqualTo("client-error");
        assertThat(ServiceCallMetrics.outcome(429, null)).isEqualTo("rate-limited");
        assertThat(ServiceCallMetrics.outcome(503, null)).isEqualTo("server-error");
        assertThat(ServiceCallMetrics.outcome(0, new ConnectException("refused"))).isEqualTo("unreachable");
        assertThat(ServiceCallMetrics.outcome(0, new RuntimeException(new SocketTimeoutException("read")))).isEqualTo("timeout");
    }
}
