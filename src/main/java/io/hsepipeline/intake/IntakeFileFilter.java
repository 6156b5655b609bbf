package io.hsepipeline.intake;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.hsepipeline.share.PipelineSettings;

/**
 * Which entries of a watched folder intake looks at (the {@code filter} of routes/10-intake.camel.yaml).
 * Ignored names (temporary and system files, hidden subfolders) are left alone. A symbolic link is never
 * entered or read: Camel's recursive listing would follow a link to a directory, so the link itself is set
 * aside in {@code error/} as {@code symbolic-link} here, before Camel sees it as a folder or waits on it.
 */
@Component
public class IntakeFileFilter implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeFileFilter.class);

    private final Pattern ignored;
    private final IntakeService intake;

    public IntakeFileFilter(PipelineSettings settings, IntakeService intake) {
        this.ignored = Pattern.compile(settings.intake().ignoredNames(), Pattern.CASE_INSENSITIVE);
        this.intake = intake;
    }

    /** Whether intake leaves a file or subfolder of this name alone. */
    public boolean ignores(String name) {
        return name.startsWith(".") || ignored.matcher(name).matches();
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        String name = file.getFileNameOnly();
        if (ignores(name)) {
            return false;
        }
        Path path = file.getFile().toPath();
        if (Files.isSymbolicLink(path)) {
            LOG.warn("{} is a symbolic link{}: never entered nor read, set aside", path,
                    file.isDirectory() ? " to a folder" : "");
            intake.setAsideLink(path);
            return false;
        }
        return true;
    }
}
