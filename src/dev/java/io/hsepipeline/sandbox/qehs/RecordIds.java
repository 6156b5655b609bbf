package io.hsepipeline.sandbox.qehs;

import java.security.SecureRandom;
import java.time.Instant;

/** Record ids like the portal's example "rec_01J...": "rec_" and a ULID (time first, Crockford base32). */
final class RecordIds {

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final SecureRandom random = new SecureRandom();

    String next() {
        char[] ulid = new char[26];
        long time = Instant.now().toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            ulid[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        for (int i = 10; i < 26; i++) {
            ulid[i] = CROCKFORD[random.nextInt(32)];
        }
        return "rec_" + new String(ulid);
    }
}
