package io.hsepipeline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class HsePipelineApplication {

    public static void main(String[] args) {
        SpringApplication.run(HsePipelineApplication.class, args);
    }
}
