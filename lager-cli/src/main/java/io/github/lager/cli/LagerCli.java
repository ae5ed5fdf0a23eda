package io.github.lager.cli;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lager} command: {@code ./lager <command> ...}; see {@code ./lager --help}. */
@Command(
    name = "lager",
    mixinStandardHelpOptions = true,
    versionProvider = LagerCli.Version.class,
    description = "LLM-as-a-judge scores that agree with people: LAGER (NeurIPS 2025) on the JVM.",
    subcommands = {JudgeCommand.class, ScoreCommand.class, EvaluateCommand.class, TuneCommand.class,
        SelectCommand.class, CalibrateCommand.class, CommandLine.HelpCommand.class})
public final class LagerCli {
  /** Exit code of a run that failed on bad input or configuration (after a one-line message). */
  public static final int EXIT_ERROR = 1;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new LagerCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof LagerException || e instanceof IllegalArgumentException) {
        String kind = e instanceof InvalidInputException ? "bad input" : "error";
        commandLine.getErr().println("lager " + commandLine.getCommandName() + ": " + kind + ": "
            + e.getMessage());
        return EXIT_ERROR;
      }
      throw e;
    });
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = LagerCli.class.getPackage().getImplementationVersion();
      return new String[] {"lager " + (v != null ? v : "dev")};
    }
  }
}
