package dev.cachectl.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cachectl completion}: the bash/zsh completion script, the same one checked in under completions/. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the bash (and zsh) completion script.",
                "Use: source <(cachectl completion), or copy it to /etc/bash_completion.d/cachectl."})
public final class CompletionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @ParentCommand
    CachectlCommand top;

    @Override
    public void run() {
        if (top.json()) {
            throw dev.cachectl.CachectlException.usage("--json does not apply to completion: it prints a bash script");
        }
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("cachectl", root));
        spec.commandLine().getOut().flush();
    }
}
