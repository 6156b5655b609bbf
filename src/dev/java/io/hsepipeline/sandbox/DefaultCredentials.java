package io.hsepipeline.sandbox;

/** The credentials and ids the stand-ins accept; printed by SandboxMain and given to the application by make run. */
public final class DefaultCredentials {

    public static final String HYPATOS_CLIENT_ID = "sandbox-client";
    public static final String HYPATOS_CLIENT_SECRET = "sandbox-secret";
    /** Hypatos project ids are 24 hex digits (Mongo object ids). */
    public static final String HYPATOS_PROJECT_ID = "65f0c0ffee00000000000001";

    public static final String HSEGENIUS_EMAIL = "pipeline@sandbox.example.com";
    public static final String HSEGENIUS_PASSWORD = "sandbox-password";
    public static final String HSEGENIUS_CUSTOMER_ID = "1";

    public static final String FOURHSE_CLIENT_ID = "hse-pipeline";
    public static final String FOURHSE_USERNAME = "pipeline";
    public static final String FOURHSE_PASSWORD = "sandbox-password";
    public static final String FOURHSE_API_KEY = "sandbox-4hse-api-key";
    public static final String FOURHSE_PROJECT_NAME = "Sandbox Safety Ltd";
    // 4HSE has no lookup of resources or actions, so the sandbox takes any id: these make make run's certificates work
    public static final String FOURHSE_RESOURCE_ID = "5a4d3c2b-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
    public static final String FOURHSE_ACTION_ID = "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b";
    public static final String FOURHSE_REALM = "4hse";

    public static final String QEHS_API_KEY = "qehs_sandbox_key";
    public static final String QEHS_MODULE_KEY = "waste-classifications";

    private DefaultCredentials() {
    }
}
