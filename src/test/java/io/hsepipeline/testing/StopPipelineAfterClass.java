package io.hsepipeline.testing;

import org.springframework.core.Ordered;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Closes each test class's application once the class is done. Every class runs a whole pipeline of its own
 * (share, topics, sandbox), which no other class reuses; left running, its consumers, pollers and timers load
 * the machine and log into the next class's start (Spring Boot re-initialises logging then, and a line from
 * the old pipeline in between is plain text). Registered for every class in META-INF/spring.factories.
 */
public class StopPipelineAfterClass extends AbstractTestExecutionListener {

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        if (testContext.hasApplicationContext()) {
            testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
        }
    }
}
