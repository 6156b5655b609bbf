package io.hsepipeline.kafka;

/** Kafka could not be reached or refused an admin call; the work is retried later, nothing is lost. */
public class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message + " (check KAFKA_BOOTSTRAP_SERVERS and that the brokers are up)", cause);
    }
}
