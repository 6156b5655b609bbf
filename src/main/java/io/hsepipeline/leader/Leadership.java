package io.hsepipeline.leader;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Whether this replica is the leader of the cluster namespace that every leader-only route ({@code master:}
 * endpoints: intake, the extract poller, the HSE Genius batch) shares. Beans whose in-memory state only the
 * leader keeps listen for {@link LeadershipChanged} to rebuild it from the share when leadership arrives.
 */
@Component
public class Leadership implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final String namespace;
    private final ApplicationEventPublisher events;
    private volatile CamelClusterView view;
    private volatile boolean leader;

    public Leadership(@Value("${hse.leader.namespace}") String namespace, ApplicationEventPublisher events) {
        this.namespace = namespace;
        this.events = events;
    }

    public boolean isLeader() {
        return leader;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // the starters' cluster service bean is still being created when Camel collects services, so add it here
        for (CamelClusterService service : camelContext.getRegistry().findByType(CamelClusterService.class)) {
            if (!camelContext.hasService(service)) {
                try {
                    camelContext.addService(service);
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot add " + service.getClass().getSimpleName(), e);
                }
            }
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        CamelClusterService service = ClusterServiceHelper.mandatoryLookupService(camelContext);
        try {
            // the same view (reference counted) as the master: consumers, so the same leadership
            view = service.getView(namespace);
        } catch (Exception e) {
            throw new IllegalStateException("No cluster view '" + namespace + "' from "
                    + service.getClass().getSimpleName(), e);
        }
        view.addEventListener((CamelClusterEventListener.Leadership) (changed, current) -> changed(
                changed.getLocalMember().isLeader()));
        LOG.info("Leader election by {} for namespace '{}'", service.getClass().getSimpleName(), namespace);
    }

    private synchronized void changed(boolean nowLeader) {
        if (nowLeader == leader) {
            return;
        }
        leader = nowLeader;
        LOG.info(nowLeader ? "This replica is now the leader: intake, extract poller and HSE Genius batch run here"
                : "This replica is no longer the leader: intake, extract poller and HSE Genius batch stop here");
        events.publishEvent(new LeadershipChanged(nowLeader));
    }
}
