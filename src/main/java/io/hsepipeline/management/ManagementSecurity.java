package io.hsepipeline.management;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.jolokia.server.core.service.api.Restrictor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.logout.SimpleUrlLogoutSuccessHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.http.HttpStatus;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * Logins on the management port only (actuator, Hawtio, Jolokia); the application port is left alone.
 * Health, info and Prometheus stay open for probes and scrapers. Outside the local profile Hawtio's page logs
 * people in with a session, scripts send HTTP Basic to Jolokia; in the local profile nobody logs in and everyone
 * acts as an operator. What each role may do in Jolokia is {@link RoleRestrictor}'s business.
 */
@Configuration(proxyBeanMethods = false)
class ManagementSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementSecurity.class);

    @Bean
    PasswordEncoder managementPasswordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    UserDetailsService managementUsers(@Value("${hse.management.users-file:}") String usersFile,
            @Value("${hse.management.users:}") String users,
            @Value("${hawtio.authenticationEnabled:true}") boolean loginRequired) {
        List<UserDetails> all = ManagementUsers.read(usersFile, users);
        if (!loginRequired) {
            LOG.info("No login on the management port (hawtio.authenticationEnabled=false): everyone acts as operator");
        } else if (all.isEmpty()) {
            LOG.warn("No management users (HSE_MANAGEMENT_USERS_FILE, HSE_MANAGEMENT_USERS): nobody can log in to"
                    + " Hawtio or Jolokia");
        } else {
            LOG.info("{} management user(s) may log in to Hawtio and Jolokia", all.size());
        }
        return new InMemoryUserDetailsManager(all);
    }

    @Bean
    Restrictor jolokiaRoleRestrictor() {
        return new RoleRestrictor();
    }

    @Bean
    SecurityFilterChain managementPort(HttpSecurity http, UserDetailsService users, PasswordEncoder encoder,
            @Value("${hawtio.authenticationEnabled:true}") boolean loginRequired,
            @Value("${management.endpoints.web.base-path:/actuator}") String base) throws Exception {
        String hawtio = base + "/hawtio";
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(encoder);
        AuthenticationManager authenticationManager = new ProviderManager(provider);

        http.securityMatcher(request -> onManagementPort(request, base))
                .authenticationManager(authenticationManager)
                // Hawtio's page sends no CSRF token; the session cookie is SameSite=Strict instead
                .csrf(csrf -> csrf.disable())
                // a refused script or probe must not leave a session behind to remember where it was going
                .requestCache(cache -> cache.disable());
        if (!loginRequired) {
            return http.authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                    .anonymous(anonymous -> anonymous.principal("local").authorities(
                            ManagementRole.OPERATOR.authority()))
                    .build();
        }
        // a bare 401 without a Basic challenge, so browsers never prompt for (and remember) credentials
        HttpStatusEntryPoint unauthorized = new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED);
        RequestMatcher needsLogin = new OrRequestMatcher(path(base + "/jolokia/**"), path(hawtio + "/jolokia/**"),
                path(hawtio + "/proxy/**"), path(hawtio + "/user/**"), path(hawtio + "/user"));
        RequestMatcher open = new OrRequestMatcher(path(base + "/health"), path(base + "/health/**"),
                path(base + "/info"), path(base + "/prometheus"), path(hawtio), path(hawtio + "/**"));
        return http
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(needsLogin).authenticated()
                        .requestMatchers(open).permitAll()
                        .anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(unauthorized))
                .addFilterAt(new HawtioLoginFilter(hawtio + "/auth/login", authenticationManager),
                        UsernamePasswordAuthenticationFilter.class)
                .logout(logout -> logout
                        .logoutRequestMatcher(path(hawtio + "/auth/logout"))
                        // Hawtio's page navigates here; back to its login form, whatever the Accept header
                        .logoutSuccessHandler(backToLogin(hawtio + "/login")))
                .build();
    }

    private static SimpleUrlLogoutSuccessHandler backToLogin(String loginPage) {
        SimpleUrlLogoutSuccessHandler handler = new SimpleUrlLogoutSuccessHandler();
        handler.setDefaultTargetUrl(loginPage);
        return handler;
    }

    private static RequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }

    /** The management server's own context, or the management paths when both share one port. */
    private static boolean onManagementPort(HttpServletRequest request, String base) {
        WebApplicationContext context = WebApplicationContextUtils.getWebApplicationContext(request.getServletContext());
        return WebServerApplicationContext.hasServerNamespace(context, "management")
                || request.getRequestURI().startsWith(base + "/") || request.getRequestURI().equals(base);
    }
}
