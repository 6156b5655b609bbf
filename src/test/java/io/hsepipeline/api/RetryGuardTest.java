package io.hsepipeline.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** Who may POST a retry: never another site's page; with the login setting, only an operator. */
class RetryGuardTest {

    private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(4);
    private static final InMemoryUserDetailsManager USERS = new InMemoryUserDetailsManager(
            User.withUsername("otto").password(BCRYPT.encode("operator-pw")).roles("OPERATOR").build(),
            User.withUsername("vera").password(BCRYPT.encode("viewer-pw")).roles("VIEWER").build());

    @Test
    void anotherSitesPageIsRefusedAndScriptsAndTheOwnPagePass() {
        RetryGuard guard = new RetryGuard(false, USERS, BCRYPT);
        assertThatThrownBy(() -> guard.check(request("https://elsewhere.example", null, null)))
                .isInstanceOf(ApiProblem.Forbidden.class);
        assertThatThrownBy(() -> guard.check(request(null, "cross-site", null))).isInstanceOf(ApiProblem.Forbidden.class);
        assertThatThrownBy(() -> guard.check(request(null, "same-site", null))).isInstanceOf(ApiProblem.Forbidden.class);
        assertThatCode(() -> guard.check(request("http://localhost:8080", "same-origin", null))).doesNotThrowAnyException();
        assertThatCode(() -> guard.check(request(null, null, null))).doesNotThrowAnyException();
    }

    @Test
    void withTheLoginSettingOnlyAnOperatorMayRetry() {
        RetryGuard guard = new RetryGuard(true, USERS, BCRYPT);
        assertThatThrownBy(() -> guard.check(request(null, null, null))).isInstanceOf(ApiProblem.Unauthorized.class);
        assertThatThrownBy(() -> guard.check(request(null, null, basic("otto", "wrong"))))
                .isInstanceOf(ApiProblem.Unauthorized.class);
        assertThatThrownBy(() -> guard.check(request(null, null, basic("vera", "viewer-pw"))))
                .isInstanceOf(ApiProblem.Unauthorized.class);
        assertThatThrownBy(() -> guard.check(request(null, null, basic("nobody", "x"))))
                .isInstanceOf(ApiProblem.Unauthorized.class);
        assertThatCode(() -> guard.check(request(null, null, basic("otto", "operator-pw")))).doesNotThrowAnyException();
    }

    private static MockHttpServletRequest request(String origin, String fetchSite, String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/documents/x/retry");
        request.addHeader("Host", "localhost:8080");
        if (origin != null) {
            request.addHeader("Origin", origin);
        }
        if (fetchSite != null) {
            request.addHeader("Sec-Fetch-Site", fetchSite);
        }
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        return request;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
