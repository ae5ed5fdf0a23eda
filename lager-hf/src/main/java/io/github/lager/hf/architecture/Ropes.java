package io.github.lager.hf.architecture;

import io.github.lager.hf.architecture.ModelConfig.Rope;
import java.util.Optional;

/**
 * Reads rotary-embedding settings in both config layouts: transformers 5's
 * {@code rope_parameters} (flat, or one object per layer type as Gemma 3 has it) and the older
 * {@code rope_theta} plus {@code rope_scaling}. Types: {@code default}, {@code linear},
 * {@code llama3}, {@code longrope}; any other is refused by name.
 */
final class Ropes {
  private Ropes() {}

  static Rope read(ConfigJson c, String layerType) {
    Optional<ConfigJson> params = c.object("rope_parameters");
    if (params.isPresent()) {
      ConfigJson p = params.get();
      if (p.has("full_attention") || p.has("sliding_attention")) {
        p = p.object(layerType).orElseThrow(() -> c.error("rope_parameters has no entry for "
            + layerType + " layers"));
      }
      return parse(c, p, p.has("rope_theta") ? p.number("rope_theta") : c.number("rope_theta"));
    }
    double theta = c.number("rope_theta", 10000.0);
    Optional<ConfigJson> scaling = c.object("rope_scaling");
    return scaling.isPresent() ? parse(c, scaling.get(), theta) : Rope.plain(theta);
  }

  /** One rope object ({@code rope_parameters} or {@code rope_scaling}) of base {@code theta}. */
  static Rope parse(ConfigJson root, ConfigJson p, double theta) {
    String type = p.optionalString("rope_type").or(() -> p.optionalString("type")).orElse("default");
    switch (type) {
      case "default":
        return Rope.plain(theta);
      case "linear":
        return new Rope("linear", theta, p.number("factor"), 1, 1, 0, new double[0], 1, 0);
      case "llama3":
        return new Rope("llama3", theta, p.number("factor"), p.number("low_freq_factor"),
            p.number("high_freq_factor"), p.integer("original_max_position_embeddings"),
            new double[0], 1, 0);
      case "longrope": {
        int original = p.has("original_max_position_embeddings")
            ? p.integer("original_max_position_embeddings")
            : root.integer("original_max_position_embeddings",
                root.integer("max_position_embeddings"));
        double factor = p.has("factor") ? p.number("factor")
            : (double) root.integer("max_position_embeddings", original) / original;
        double attention = p.has("attention_factor") ? p.number("attention_factor")
            : factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(original));
        return new Rope("longrope", theta, factor, 1, 1, original, p.numbers("short_factor"),
            attention, original);
      }
      default:
        throw root.error("rope type '" + type + "' is not supported (lager runs default, linear,"
            + " llama3 and longrope)");
    }
  }
}
