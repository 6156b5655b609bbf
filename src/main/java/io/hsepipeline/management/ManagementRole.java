package io.hsepipeline.management;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/** What a person logged in on the management port may do: look (viewer) or also run routes (operator). */
enum ManagementRole {
    VIEWER, OPERATOR;

    String authority() {
        return "ROLE_" + name();
    }

    String settingName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ManagementRole> named(String name) {
        return Arrays.stream(values()).filter(role -> role.settingName().equals(name)).findFirst();
    }

    /** The strongest role of whoever this request thread acts for, if any. */
    static Optional<ManagementRole> current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null) {
            return Optional.empty();
        }
        Collection<? extends GrantedAuthority> authorities = authentication.getAuthorities();
        for (ManagementRole role : new ManagementRole[] {OPERATOR, VIEWER}) {
            if (authorities.stream().anyMatch(granted -> role.authority().equals(granted.getAuthority()))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
