package io.hsepipeline.sandbox.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.hsepipeline.sandbox.contract.ContractViolation;
import io.hsepipeline.sandbox.http.ApiRequest;
import io.hsepipeline.sandbox.http.ApiResponse;
import io.hsepipeline.sandbox.http.Routes;
import io.hsepipeline.sandbox.ratelimit.RateDecision;
import io.hsepipeline.sandbox.ratelimit.ResetHeaderFormat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One stand-in: its routes and state, and how that service words its errors and rate-limit answers. */
public interface ServiceApi {

    /** hypatos, hsegenius, fourhse or qehs. */
    String name();

    /** File name of the service's OpenAPI description under api-contracts/. */
    String contractFile();

    Routes routes();

    /** An error in the service's own shape; violations is empty unless the request broke the contract. */
    ApiResponse error(int status, String title, String detail, List<ContractViolation> violations);

    /** The 429 the service sends when a client's budget is spent. */
    ApiResponse rateLimited(RateDecision decision, ResetHeaderFormat format, Instant now);

    /** Headers that report the budget; services that report it on every response add them to every response. */
    void addRateLimitHeaders(ApiResponse response, RateDecision decision, ResetHeaderFormat format, Instant now);

    /**
     * The service's own 401 (with its WWW-Authenticate) when the request needs credentials and has none or wrong
     * ones; empty when it may go on. Token endpoints decide by the credentials they take.
     */
    Optional<ApiResponse> refuseCredentials(ApiRequest request);

    /** Whose budget a request spends: the client id, user or key it authenticates as. */
    String clientKey(ApiRequest request);

    /** Everything the stand-in created, for GET /_sandbox/{service}/entities. */
    JsonNode entities();

    /** Forgets everything created and every token issued. */
    void reset();
}
