package io.hsepipeline.sandbox.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import io.hsepipeline.sandbox.http.ApiRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Checks requests against one service's OpenAPI file (copied under api-contracts/ on the class path). */
public final class ContractValidator {

    private final OpenApiInteractionValidator validator;

    private ContractValidator(OpenApiInteractionValidator validator) {
        this.validator = validator;
    }

    public static ContractValidator forContract(String fileName) {
        // Security is checked by each stand-in, so a missing or expired token gets the service's own 401.
        LevelResolver levels = LevelResolver.create()
                .withLevel("validation.request.security", ValidationReport.Level.IGNORE)
                .withLevel("validation.response", ValidationReport.Level.IGNORE)
                .build();
        return new ContractValidator(OpenApiInteractionValidator
                .createForInlineApiSpecification(read("/api-contracts/" + fileName))
                .withLevelResolver(levels)
                .withCustomRequestValidation(new MultipartFormContract())
                .build());
    }

    public List<ContractViolation> validate(ApiRequest request) {
        SimpleRequest.Builder builder = new SimpleRequest.Builder(request.method(), request.path());
        request.headers().forEach(builder::withHeader);
        request.query().forEach(builder::withQueryParam);
        if (request.body().length > 0) {
            builder.withBody(request.body());
        }
        Request simple = builder.build();
        return validator.validateRequest(simple).getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> new ContractViolation(m.getKey(), m.getMessage()))
                .toList();
    }

    private static String read(String location) {
        try (InputStream in = ContractValidator.class.getResourceAsStream(location)) {
            if (in == null) {
                throw new IllegalStateException("contract not on the class path: " + location);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
