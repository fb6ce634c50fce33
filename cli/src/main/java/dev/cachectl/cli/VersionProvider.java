package dev.cachectl.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "dev" when running from classes. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[]{"cachectl " + (v == null ? "dev" : v)};
    }
}
