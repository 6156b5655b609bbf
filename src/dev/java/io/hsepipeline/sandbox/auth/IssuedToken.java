package io.hsepipeline.sandbox.auth;

import java.time.Instant;

/** A token a stand-in handed out: who it is for, which kind (access, refresh) and when it stops working. */
public record IssuedToken(String value, String subject, String kind, Instant expiresAt) {

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public long lifetimeSeconds(Instant now) {
        return Math.max(0, expiresAt.getEpochSecond() - now.getEpochSecond());
    }
}
