package io.github.lager.core.math;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the projection kernel once, as Lucene's {@code VectorizationProvider} does: the SIMD kernel
 * when the JVM runs with {@code --add-modules jdk.incubator.vector} (the {@code ./lager} launcher
 * does), else the scalar one. {@code -Dlager.vectorization=false} forces scalar.
 */
public final class ProjectionKernels {
  public static final String PROPERTY = "lager.vectorization";
  private static final Logger LOG = LoggerFactory.getLogger(ProjectionKernels.class);
  private static final ProjectionKernel SCALAR = new ScalarProjectionKernel();
  private static final ProjectionKernel CHOSEN = choose();

  private ProjectionKernels() {}

  /** The kernel this JVM uses. */
  public static ProjectionKernel get() {
    return CHOSEN;
  }

  public static ProjectionKernel scalar() {
    return SCALAR;
  }

  /** The SIMD kernel, or empty when {@code jdk.incubator.vector} is not in the boot layer. */
  public static java.util.Optional<ProjectionKernel> vector() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of((ProjectionKernel) Class.forName(
          "io.github.lager.core.math.VectorProjectionKernel").getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warn("the Vector API kernel cannot load ({}); using the scalar kernel", e.toString());
      return java.util.Optional.empty();
    }
  }

  private static ProjectionKernel choose() {
    if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
      LOG.debug("projection kernel: scalar ({}=false)", PROPERTY);
      return SCALAR;
    }
    ProjectionKernel k = vector().orElse(SCALAR);
    LOG.debug("projection kernel: {}", k.name());
    return k;
  }
}
