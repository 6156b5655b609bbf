package io.hsepipeline.sandbox.auth;

import io.hsepipeline.sandbox.http.SandboxJson;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and remembers one stand-in's tokens. Opaque tokens for Hypatos; signed JWTs (HS256, with exp) where
 * the real service issues JWTs, so that clients which read exp from the token see a real one.
 */
public final class TokenIssuer {

    private static final int PURGE_THRESHOLD = 50_000;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();
    private final byte[] signingKey = new byte[32];
    private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();

    public TokenIssuer() {
        random.nextBytes(signingKey);
    }

    public IssuedToken issueOpaque(String subject, String kind, Duration lifetime) {
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        return remember(new IssuedToken(BASE64URL.encodeToString(raw), subject, kind, Instant.now().plus(lifetime)));
    }

    public IssuedToken issueJwt(String subject, String kind, Duration lifetime, Map<String, Object> claims) {
        Instant now = Instant.now();
        Instant expiresAt = now.plus(lifetime);
        Map<String, Object> payload = new LinkedHashMap<>(claims);
        payload.put("exp", expiresAt.getEpochSecond());
        payload.put("iat", now.getEpochSecond());
        payload.put("jti", UUID.randomUUID().toString().replace("-", ""));
        payload.put("sub", subject);
        String unsigned = encode(Map.of("alg", "HS256", "typ", "JWT")) + "." + encode(payload);
        return remember(new IssuedToken(unsigned + "." + sign(unsigned), subject, kind, expiresAt));
    }

    /** The token as issued, expired or not; empty if this issuer never issued it (or forgot it on reset). */
    public Optional<IssuedToken> find(String value) {
        return value == null ? Optional.empty() : Optional.ofNullable(tokens.get(value));
    }

    public Optional<IssuedToken> valid(String value, String kind, Instant now) {
        return find(value).filter(t -> t.kind().equals(kind) && !t.expired(now));
    }

    public void clear() {
        tokens.clear();
    }

    private IssuedToken remember(IssuedToken token) {
        if (tokens.size() > PURGE_THRESHOLD) {
            Instant now = Instant.now();
            tokens.values().removeIf(t -> t.expired(now));
        }
        tokens.put(token.value(), token);
        return token;
    }

    private static String encode(Map<String, Object> json) {
        return BASE64URL.encodeToString(SandboxJson.bytes(json));
    }

    private String sign(String unsigned) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return BASE64URL.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
