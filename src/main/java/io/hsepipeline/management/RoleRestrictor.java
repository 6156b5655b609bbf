package io.hsepipeline.management;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.management.ObjectName;

import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;

/**
 * Jolokia's access rules by the role of whoever Spring Security says this request is from (Hawtio checks roles
 * only at login, hawtio#3045). Viewers read; operators also run Camel routes and change Camel settings. Nobody,
 * whatever the role, reaches what shows secrets: heap dumps and JDK diagnostics, system properties and JVM
 * arguments, Spring's beans and environment, placeholder resolution.
 */
final class RoleRestrictor implements Restrictor {

    private static final String CAMEL = "org.apache.camel";

    /** Domains hidden from everyone: heap and thread dumps, JFR, diagnostic commands, Spring's environment. */
    private static final Set<String> HIDDEN_DOMAINS = Set.of("com.sun.management", "jdk.management.jfr",
            "org.springframework.boot", "org.springframework.context", "org.springframework.cloud");

    /** JVM arguments and system properties carry credentials when passed with -D. */
    private static final Set<String> HIDDEN_RUNTIME_ATTRIBUTES = Set.of("SystemProperties", "InputArguments");

    /** Operations an operator may run on routes and their consumers, with any signature. */
    private static final Set<String> LIFECYCLE = Set.of("start", "stop", "suspend", "resume", "restart");
    private static final Set<String> LIFECYCLE_TYPES = Set.of("routes", "consumers");

    /** Dumps Hawtio's Camel views use, in signatures that leave placeholders unresolved, and statistics resets. */
    private static final Set<String> SAFE_CAMEL_OPERATIONS = Set.of("dumpRoutesAsXml()", "dumpRouteAsXml()",
            "dumpRoutesStatsAsXml(boolean,boolean)", "dumpRouteStatsAsXml(boolean,boolean)",
            "dumpRoutesStatsAsXml", "dumpRouteStatsAsXml", "reset()", "reset(boolean)");

    /** Attributes that would log exchanges (tokens in headers) or unmask secrets in logs. */
    private static final Set<String> UNWRITABLE_WORDS = Set.of("trac", "mask", "debug", "history", "log");

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return true;
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        Optional<ManagementRole> role = ManagementRole.current();
        return switch (type) {
            case READ, LIST, SEARCH, VERSION -> role.isPresent();
            case EXEC, WRITE -> role.filter(ManagementRole.OPERATOR::equals).isPresent();
            default -> false;
        };
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        if (ManagementRole.current().isEmpty() || isObjectNameHidden(name)) {
            return false;
        }
        return !("java.lang".equals(name.getDomain()) && "Runtime".equals(name.getKeyProperty("type"))
                && HIDDEN_RUNTIME_ATTRIBUTES.contains(attribute));
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        if (!isOperator() || !CAMEL.equals(name.getDomain())) {
            return false;
        }
        String lower = attribute.toLowerCase(Locale.ROOT);
        return UNWRITABLE_WORDS.stream().noneMatch(lower::contains);
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        if (!isOperator() || !CAMEL.equals(name.getDomain()) || operation == null) {
            return false;
        }
        String normalized = operation.replace(" ", "");
        if (SAFE_CAMEL_OPERATIONS.contains(normalized)) {
            return true;
        }
        int signature = normalized.indexOf('(');
        String bare = signature < 0 ? normalized : normalized.substring(0, signature);
        return LIFECYCLE.contains(bare) && LIFECYCLE_TYPES.contains(name.getKeyProperty("type"));
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return true;
    }

    @Override
    public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
        return true;
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        String domain = name.getDomain();
        return HIDDEN_DOMAINS.contains(domain) || domain.startsWith("jdk.management");
    }

    private static boolean isOperator() {
        return ManagementRole.current().filter(ManagementRole.OPERATOR::equals).isPresent();
    }
}
