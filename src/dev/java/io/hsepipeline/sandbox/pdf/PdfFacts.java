package io.hsepipeline.sandbox.pdf;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the stand-ins "extract" from a PDF, read with PDFBox: the product name (a line "Product name: ..."),
 * EER codes written like "15 01 10*", dates, HP codes written like "HP 3", and the sandbox's steering marker
 * "SANDBOX-OUTCOME: reviewRequired" that lets tests reach every Hypatos outcome.
 */
public record PdfFacts(boolean readable, String text, String productName, List<String> eerCodes,
                       List<String> dates, List<String> hpCodes, String outcome) {

    private static final Pattern PRODUCT = Pattern.compile("(?im)^\\s*product\\s+name\\s*:\\s*(.+?)\\s*$");
    private static final Pattern EER = Pattern.compile("(?<!\\d)(\\d{2}) (\\d{2}) (\\d{2})(?!\\d)(\\s?\\*)?");
    private static final Pattern ISO_DATE = Pattern.compile("(?<!\\d)(\\d{4})-(\\d{2})-(\\d{2})(?!\\d)");
    private static final Pattern EU_DATE = Pattern.compile("(?<!\\d)(\\d{1,2})[./](\\d{1,2})[./](\\d{4})(?!\\d)");
    private static final Pattern HP = Pattern.compile("(?<![A-Za-z])HP\\s?(\\d{1,2})(?!\\d)");
    private static final Pattern OUTCOME = Pattern.compile("SANDBOX-OUTCOME\\s*:\\s*([A-Za-z]+)");

    public static PdfFacts read(byte[] pdf) {
        String text;
        try (PDDocument document = Loader.loadPDF(pdf)) {
            text = new PDFTextStripper().getText(document);
        } catch (IOException | RuntimeException e) {
            return new PdfFacts(false, "", null, List.of(), List.of(), List.of(), null);
        }
        return fromText(text);
    }

    public static PdfFacts fromText(String text) {
        Matcher product = PRODUCT.matcher(text);
        Matcher outcome = OUTCOME.matcher(text);
        return new PdfFacts(true, text, product.find() ? product.group(1) : null, eerCodes(text), dates(text),
                hpCodes(text), outcome.find() ? outcome.group(1) : null);
    }

    public Optional<String> product() {
        return Optional.ofNullable(productName);
    }

    private static List<String> eerCodes(String text) {
        Set<String> codes = new LinkedHashSet<>();
        Matcher m = EER.matcher(text);
        while (m.find()) {
            codes.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + (m.group(4) == null ? "" : "*"));
        }
        return List.copyOf(codes);
    }

    private static List<String> dates(String text) {
        Set<String> dates = new LinkedHashSet<>();
        Matcher iso = ISO_DATE.matcher(text);
        while (iso.find()) {
            date(iso.group(1), iso.group(2), iso.group(3)).ifPresent(dates::add);
        }
        Matcher eu = EU_DATE.matcher(text);
        while (eu.find()) {
            date(eu.group(3), eu.group(2), eu.group(1)).ifPresent(dates::add);
        }
        return List.copyOf(dates);
    }

    private static Optional<String> date(String year, String month, String day) {
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day))
                    .toString());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> hpCodes(String text) {
        Set<String> codes = new LinkedHashSet<>();
        Matcher m = HP.matcher(text);
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n >= 1 && n <= 15) {
                codes.add("HP" + n);
            }
        }
        return List.copyOf(codes);
    }
}
