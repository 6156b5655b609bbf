package io.hsepipeline.sandbox.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed multipart/form-data body: text fields and file parts by name. */
public final class MultipartForm {

    /** One part: its field name, file name (null for a plain field), content type and bytes. */
    public record Part(String name, String filename, String contentType, byte[] content) {

        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME = Pattern.compile("(?<![a-z])name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    private final Map<String, Part> parts;

    private MultipartForm(Map<String, Part> parts) {
        this.parts = parts;
    }

    public Optional<Part> part(String name) {
        return Optional.ofNullable(parts.get(name));
    }

    public Optional<String> field(String name) {
        return part(name).map(Part::text);
    }

    public Map<String, Part> parts() {
        return parts;
    }

    public static MultipartForm parse(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new BadRequestException("expected multipart/form-data, got " + contentType);
        }
        Matcher bm = BOUNDARY.matcher(contentType);
        if (!bm.find()) {
            throw new BadRequestException("multipart/form-data without a boundary");
        }
        byte[] delimiter = ("--" + bm.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Part> parts = new LinkedHashMap<>();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw new BadRequestException("multipart body does not contain its boundary");
        }
        while (true) {
            int start = pos + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                break;
            }
            start = skipLineBreak(body, start);
            int next = indexOf(body, delimiter, start);
            if (next < 0) {
                throw new BadRequestException("multipart body is not terminated");
            }
            int end = next;
            if (end >= 2 && body[end - 2] == '\r' && body[end - 1] == '\n') {
                end -= 2;
            }
            Part part = readPart(body, start, end);
            parts.put(part.name(), part);
            pos = next;
        }
        return new MultipartForm(parts);
    }

    private static Part readPart(byte[] body, int start, int end) {
        byte[] separator = {'\r', '\n', '\r', '\n'};
        int headerEnd = indexOf(body, separator, start);
        if (headerEnd < 0 || headerEnd > end) {
            throw new BadRequestException("multipart part without headers");
        }
        String headerText = new String(body, start, headerEnd - start, StandardCharsets.UTF_8);
        String name = null;
        String filename = null;
        String contentType = null;
        for (String line : headerText.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-disposition:")) {
                Matcher n = NAME.matcher(line);
                name = n.find() ? n.group(1) : null;
                Matcher f = FILENAME.matcher(line);
                filename = f.find() ? f.group(1) : null;
            } else if (lower.startsWith("content-type:")) {
                contentType = line.substring("content-type:".length()).trim();
            }
        }
        if (name == null) {
            throw new BadRequestException("multipart part without a name");
        }
        int contentStart = headerEnd + separator.length;
        byte[] content = new byte[Math.max(0, end - contentStart)];
        System.arraycopy(body, contentStart, content, 0, content.length);
        return new Part(name, filename, contentType, content);
    }

    private static int skipLineBreak(byte[] body, int pos) {
        if (pos + 1 < body.length && body[pos] == '\r' && body[pos + 1] == '\n') {
            return pos + 2;
        }
        return pos;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
