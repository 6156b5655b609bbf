package io.hsepipeline.intake;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

import io.hsepipeline.share.PipelineSettings.WatchedFolder;
import io.hsepipeline.share.ShareFolders;

/**
 * One intake route per watched folder, each made from the {@code intake-folder} template in
 * routes/10-intake.camel.yaml and named {@code intake-<folder>}.
 */
@Component
public class IntakeFolderRoutes implements CamelContextConfiguration {

    public static final String TEMPLATE = "intake-folder";

    private final ShareFolders share;

    public IntakeFolderRoutes(ShareFolders share) {
        this.share = share;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        for (WatchedFolder folder : share.watchedFolders()) {
            TemplatedRouteBuilder.builder(camelContext, TEMPLATE)
                    .routeId("intake-" + folder.name())
                    .parameter("folder", folder.name())
                    .parameter("directory", share.directoryOf(folder).toString())
                    .add();
        }
    }
}
