package io.github.lager.cli;

import io.github.lager.core.BadOptionException;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.io.FileErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code lager} command: {@code ./lager <command> ...}; see {@code ./lager --help}.
 *
 * <p>Every error ends as one line, {@code lager <command>: bad input: ...} or
 * {@code lager <command>: error: ...}, naming the file, line, sample or option; the stack trace is
 * printed only with {@code --debug}. Exit statuses: {@link #EXIT_OK}, {@link #EXIT_ERROR},
 * {@link #EXIT_USAGE}, {@link #EXIT_SKIPPED}; a run stopped by SIGINT or SIGTERM ends with 130 or
 * 143, as the JVM exits on those signals.
 */
@Command(
    name = "lager",
    mixinStandardHelpOptions = true,
    versionProvider = LagerCli.Version.class,
    description = "LLM-as-a-judge scores that agree with people: LAGER (NeurIPS 2025) on the JVM.",
    footer = {"", "Exit status, the same for every command: 0 done; 1 error in the data or the"
        + " run (one line says what; also when no sample could be used); 2 usage: an unknown"
        + " option, or an option value of the wrong type or out of its range; 3 done, but"
        + " unusable input lines or samples were left out (listed; --skip-bad makes this 0);"
        + " 130/143 stopped by SIGINT/SIGTERM (lager score: rerun with --resume)."},
    subcommands = {JudgeCommand.class, ScoreCommand.class, RenderCommand.class,
        EvaluateCommand.class, TuneCommand.class,
        SelectCommand.class, CalibrateCommand.class, CommandLine.HelpCommand.class})
public final class LagerCli {
  public static final int EXIT_OK = 0;
  /** Exit code of a run that failed on bad input, configuration or I/O (after a one-line message). */
  public static final int EXIT_ERROR = 1;
  /**
   * Exit code of a usage error: a command line that cannot be parsed, an option value of the wrong
   * type (picocli's), or one out of its range ({@link BadOptionException}).
   */
  public static final int EXIT_USAGE = 2;
  /** Exit code of a run that finished but left out unusable input lines or samples. */
  public static final int EXIT_SKIPPED = 3;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "On an error, print the stack trace as well as the one-line message.")
  boolean debug;

  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--quiet")) {
      // --quiet: errors and the final summary only; the libraries' [INFO] lines are off too
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
      System.setProperty("org.slf4j.simpleLogger.log.io.github.lager", "warn");
    }
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new LagerCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // an empty value (--out "", --template "") is a usage error naming its option, for every
    // option: as a path it would be the current directory, as a name nothing
    cli.registerConverter(Path.class, s -> Path.of(notEmpty(s)));
    cli.registerConverter(String.class, LagerCli::notEmpty);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      report(e, commandLine.getCommandName(), debugRequested(parseResult), commandLine.getErr());
      return e instanceof BadOptionException ? EXIT_USAGE : EXIT_ERROR;
    });
    cli.setParameterExceptionHandler((e, arguments) -> {
      // one line, as every other error; the usage is one --help away
      CommandLine c = e.getCommandLine();
      String name = c.getCommandName();
      String prefix = name.equals("lager") ? "lager: " : "lager " + name + ": ";
      String message = e.getMessage().replaceFirst("^Error: ", "");
      c.getErr().println(prefix + "usage: " + message + " (lager"
          + (name.equals("lager") ? "" : " " + name) + " --help lists the options)");
      if (java.util.Arrays.asList(arguments).contains("--debug")) {
        e.printStackTrace(c.getErr());
      }
      c.getErr().flush();
      return EXIT_USAGE;
    });
    try {
      return cli.execute(args);
    } catch (RuntimeException | Error e) {
      // thrown outside a command's call (an Error such as OutOfMemoryError inside one, too)
      report(e, "lager", java.util.Arrays.asList(args).contains("--debug"), err);
      return EXIT_ERROR;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String notEmpty(String value) {
    if (value.isEmpty()) {
      throw new CommandLine.TypeConversionException("the value is empty");
    }
    return value;
  }

  /** One line naming what went wrong; the stack trace only with --debug. */
  static void report(Throwable e, String command, boolean debug, PrintWriter err) {
    String prefix = command.equals("lager") ? "lager: " : "lager " + command + ": ";
    String line;
    if (e instanceof BadOptionException) {
      line = "usage: " + e.getMessage();
    } else if (e instanceof InvalidInputException) {
      line = "bad input: " + e.getMessage();
    } else if (e instanceof LagerException || e instanceof IllegalArgumentException) {
      line = "error: " + e.getMessage();
    } else if (e instanceof UncheckedIOException || e instanceof IOException) {
      line = "error: " + FileErrors.describe(e);
    } else if (e instanceof OutOfMemoryError) {
      line = "error: out of memory (" + e.getMessage() + "); give the JVM more, e.g."
          + " LAGER_JAVA_OPTS=-Xmx16g, or lower --batch-size";
    } else {
      line = "internal error: " + e + (debug ? "" : " (rerun with --debug for the stack trace,"
          + " and report it)");
    }
    err.println(prefix + line);
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
  }

  private static boolean debugRequested(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** The version from the jar manifest ("dev" when run from classes). */
  static String version() {
    String v = LagerCli.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"lager " + version()};
    }
  }
}
