package io.hsepipeline.api;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The API's refusals, answered as application/problem+json (RFC 9457) with a detail saying what to do. */
public class ApiProblem extends ErrorResponseException {

    ApiProblem(HttpStatus status, String type, String title, String detail) {
        super(status, problem(status, type, title, detail), null);
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://hse-pipeline.io/problems/" + type));
        problem.setTitle(title);
        return problem;
    }

    /** No document has this id on the status topic or in the share's journal. */
    public static class NotFound extends ApiProblem {
        public NotFound(String documentId) {
            super(HttpStatus.NOT_FOUND, "document-not-found", "Document not found", "No document " + documentId
                    + " is known: a document id is the SHA-256 (hex) of the PDF's bytes; GET /api/documents lists them.");
        }
    }

    /** The document is not in a state that allows the request. */
    public static class Conflict extends ApiProblem {
        public Conflict(String detail) {
            super(HttpStatus.CONFLICT, "not-retryable", "Document cannot be retried", detail);
        }
    }

    /** A query parameter that cannot be understood. */
    public static class BadRequest extends ApiProblem {
        public BadRequest(String detail) {
            super(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", detail);
        }
    }

    /** A retry from another site's page. */
    public static class Forbidden extends ApiProblem {
        public Forbidden(String detail) {
            super(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
        }
    }

    /** A retry without the login the settings require. */
    public static class Unauthorized extends ApiProblem {
        public Unauthorized(String detail) {
            super(HttpStatus.UNAUTHORIZED, "login-required", "Login required", detail);
            getHeaders().add("WWW-Authenticate", "Basic realm=\"hse-pipeline retry\", charset=\"UTF-8\"");
        }
    }
}
