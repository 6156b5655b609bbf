package io.hsepipeline.management;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The logins of the management port, from the users file and the users setting: one {@code name:bcrypt-hash:role}
 * per line, {@code #} comments and blank lines ignored. Anything else stops the start with the line to fix.
 */
final class ManagementUsers {

    static final String FORMAT = "name:bcrypt-hash:role with role viewer or operator"
            + " (make a hash with: htpasswd -nbBC 10 name password)";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]+");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    private static final String BCRYPT_PREFIX = "{bcrypt}";

    private ManagementUsers() {
    }

    /**
     * @param file the users file, or blank for none
     * @param setting more lines, separated by new lines or commas, or blank for none
     */
    static List<UserDetails> read(String file, String setting) {
        Map<String, UserDetails> users = new LinkedHashMap<>();
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file.strip());
            List<String> lines;
            try {
                lines = Files.readAllLines(path);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("Management users file " + path + " (HSE_MANAGEMENT_USERS_FILE) cannot"
                        + " be read: " + e.getClass().getSimpleName() + ". Mount the file there or change the setting.");
            }
            parse(lines, "Management users file " + path, users);
        }
        if (setting != null && !setting.isBlank()) {
            parse(List.of(setting.split("[\\r\\n,]")), "Setting hse.management.users (HSE_MANAGEMENT_USERS)", users);
        }
        return new ArrayList<>(users.values());
    }

    private static void parse(List<String> lines, String source, Map<String, UserDetails> users) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1) + ": ";
            String[] fields = line.split(":", -1);
            if (fields.length != 3) {
                throw new IllegalStateException(where + "expected " + FORMAT + ", found " + fields.length
                        + " field(s) separated by ':'");
            }
            String name = fields[0].strip();
            String hash = fields[1].strip();
            String roleName = fields[2].strip();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException(where + "the name may hold only letters, digits and . _ @ -; expected "
                        + FORMAT);
            }
            if (hash.startsWith(BCRYPT_PREFIX)) {
                hash = hash.substring(BCRYPT_PREFIX.length());
            }
            // the hash itself is never echoed: it is half of the secret
            if (!BCRYPT.matcher(hash).matches()) {
                throw new IllegalStateException(where + "the password of " + name + " is not a bcrypt hash ($2a$, $2b$ or"
                        + " $2y$, plain or after {bcrypt}); plain-text passwords are refused; expected " + FORMAT);
            }
            ManagementRole role = ManagementRole.named(roleName).orElseThrow(() -> new IllegalStateException(
                    where + "unknown role '" + roleName + "' for " + name + "; expected " + FORMAT));
            if (users.containsKey(name)) {
                throw new IllegalStateException(where + name + " is already defined; expected one line per user");
            }
            users.put(name, User.withUsername(name).password(hash).authorities(role.authority()).build());
        }
    }
}
