package io.hsepipeline.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Who may re-drive a document. Always: only the page's own origin (a browser names the origin of every
 * cross-site POST in {@code Origin} and {@code Sec-Fetch-Site}, so another site's page cannot make a user's browser
 * retry); scripts without those headers pass. With {@code HSE_API_RETRY_LOGIN=true}: also an operator's login
 * (HTTP Basic), from the same users as Hawtio and Jolokia.
 */
@Component
public class RetryGuard {

    private static final String OPERATOR = "ROLE_OPERATOR";

    private final boolean loginRequired;
    private final UserDetailsService users;
    private final PasswordEncoder passwords;

    public RetryGuard(@Value("${hse.api.retry-login-required}") boolean loginRequired, UserDetailsService users,
                      PasswordEncoder passwords) {
        this.loginRequired = loginRequired;
        this.users = users;
        this.passwords = passwords;
    }

    public void check(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw new ApiProblem.Forbidden("A retry is only accepted from this application's own page ("
                    + "Sec-Fetch-Site: " + site + ").");
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(origin, request)) {
            throw new ApiProblem.Forbidden("A retry is only accepted from this application's own page, not from "
                    + origin + ".");
        }
        if (loginRequired && !operator(request.getHeader("Authorization"))) {
            throw new ApiProblem.Unauthorized("Retrying needs an operator's login (HSE_API_RETRY_LOGIN=true): the"
                    + " same name and password as for Hawtio, with role operator.");
        }
    }

    private static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            URI uri = URI.create(origin);
            String host = request.getHeader("Host");
            return uri.getHost() != null && host != null
                    && (uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort()).equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean operator(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        try {
            UserDetails user = users.loadUserByUsername(decoded.substring(0, colon));
            return passwords.matches(decoded.substring(colon + 1), user.getPassword())
                    && user.getAuthorities().stream().anyMatch(a -> OPERATOR.equals(a.getAuthority()));
        } catch (UsernameNotFoundException e) {
            return false;
        }
    }
}
