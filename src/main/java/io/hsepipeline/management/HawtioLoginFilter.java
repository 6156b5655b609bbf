package io.hsepipeline.management;

import java.io.IOException;
import java.util.Map;

import javax.security.auth.Subject;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hawt.web.auth.AuthSessionHelpers;

/**
 * Hawtio's own login page posts {@code {"username","password"}} as JSON to {@code <hawtio>/auth/login}; this
 * checks them against the management users and keeps the login in the HTTP session, for Spring Security and for
 * Hawtio's {@code /user}.
 */
final class HawtioLoginFilter extends AbstractAuthenticationProcessingFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    HawtioLoginFilter(String loginPath, AuthenticationManager authenticationManager) {
        super(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, loginPath), authenticationManager);
        setSecurityContextRepository(new HttpSessionSecurityContextRepository());
        // a new session id at login, so a session id planted before it is worth nothing
        setSessionAuthenticationStrategy(new ChangeSessionIdAuthenticationStrategy());
        setAuthenticationSuccessHandler(this::loggedIn);
        // 403 is what Hawtio's page reads as "wrong user or password" (no error page: that would ask for a login)
        setAuthenticationFailureHandler((request, response, failure) -> response.setStatus(403));
    }

    @Override
    public Authentication attemptAuthentication(HttpServletRequest request, HttpServletResponse response)
            throws AuthenticationException {
        JsonNode body;
        try {
            body = JSON.readTree(request.getInputStream());
        } catch (IOException e) {
            throw new AuthenticationServiceException("login body is not JSON");
        }
        String username = body == null ? "" : body.path("username").asText("");
        String password = body == null ? "" : body.path("password").asText("");
        return getAuthenticationManager().authenticate(
                UsernamePasswordAuthenticationToken.unauthenticated(username.strip(), password));
    }

    private void loggedIn(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        Subject subject = new Subject();
        subject.getPrincipals().add(authentication);
        AuthSessionHelpers.setup(request.getSession(), subject, authentication.getName(),
                AuthSessionHelpers.getSessionTimeout(request.getServletContext()));
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        JSON.writeValue(response.getOutputStream(), Map.of("username", authentication.getName(),
                "roles", authentication.getAuthorities().stream().map(a -> a.getAuthority()).toList()));
    }
}
