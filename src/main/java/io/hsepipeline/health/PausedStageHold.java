package io.hsepipeline.health;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.springframework.stereotype.Component;

/**
 * The route policy of the stage consumer routes ({@code routePolicy: pausedStageHold}): before a record enters its
 * route, it waits while the route's stage is paused (ServiceSupervisor#awaitRunning), so a record that a poll
 * brought just as the stage paused waits, uncommitted, until its service is back; at shutdown it stays on Kafka.
 * A policy rather than a first step of each route, so the routes show the stage's own work.
 */
@Component("pausedStageHold")
public class PausedStageHold extends RoutePolicySupport {

    private final ServiceSupervisor supervisor;

    public PausedStageHold(ServiceSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        try {
            supervisor.awaitRunning(supervisor.serviceOfRoute(route.getRouteId()), exchange);
        } catch (InterruptedException stopping) {
            // only a shutdown interrupts the hold: the record is taken again at the next start, as when it ends
            Thread.currentThread().interrupt();
            exchange.setProperty(ServiceSupervisor.LEFT_ON_KAFKA, true);
            exchange.setRouteStop(true);
        }
    }
}
