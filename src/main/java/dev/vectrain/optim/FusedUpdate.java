/*
 * FusedUpdate: the fused optimizer kernels. One pass over [from, to) of the flat arena reads each
 * gradient once, multiplies it by the global-norm scale, clamps it by value, adds L2 decay, and updates
 * the moments and the weight in place. The scalar tail performs the same IEEE operations as the vector
 * lanes (fma, sqrt, div), so any split of the arena into ranges starting at multiples of Vec.LANES gives
 * bitwise the same result. It is not an optimizer object: no state, no allocation, no argument objects.
 * The unfused scalar twins are in src/test/java/dev/vectrain/reference/ReferenceOptim.
 */
package dev.vectrain.optim;

import static dev.vectrain.kernel.Vec.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Static fused update kernels over a range of the parameter arena. */
public final class FusedUpdate {
    private FusedUpdate() {
    }

    /**
     * SGD: {@code ĝ = clamp(g·gradScale, ±clip) + l2·w; w −= lr·ĝ}.
     *
     * @param clip per-value limit (+∞ for none)
     */
    public static void sgd(int from, int to, float lr, float gradScale, float clip, float l2,
                           float[] w, float[] g) {
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        float nlr = -lr;
        FloatVector vl2 = FloatVector.broadcast(SPECIES, l2);
        FloatVector vnlr = FloatVector.broadcast(SPECIES, nlr);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector wv = FloatVector.fromArray(SPECIES, w, i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i).mul(gradScale).max(-clip).min(clip);
            gv = wv.fma(vl2, gv);
            gv.fma(vnlr, wv).intoArray(w, i);
        }
        for (; i < to; i++) {
            float gi = Math.min(Math.max(g[i] * gradScale, -clip), clip);
            gi = Math.fma(w[i], l2, gi);
            w[i] = Math.fma(gi, nlr, w[i]);
        }
    }

    /**
     * Momentum: {@code ĝ = clamp(g·gradScale, ±clip) + l2·w; v = μv + ĝ; d = nesterov ? ĝ + μv : v; w −= lr·d}.
     */
    public static void momentum(int from, int to, float lr, float gradScale, float clip, float l2, float mu,
                                boolean nesterov, float[] w, float[] g, float[] vel) {
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        float nlr = -lr;
        FloatVector vl2 = FloatVector.broadcast(SPECIES, l2);
        FloatVector vnlr = FloatVector.broadcast(SPECIES, nlr);
        FloatVector vmu = FloatVector.broadcast(SPECIES, mu);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector wv = FloatVector.fromArray(SPECIES, w, i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i).mul(gradScale).max(-clip).min(clip);
            gv = wv.fma(vl2, gv);
            FloatVector vv = FloatVector.fromArray(SPECIES, vel, i).fma(vmu, gv);
            vv.intoArray(vel, i);
            FloatVector d = nesterov ? vv.fma(vmu, gv) : vv;
            d.fma(vnlr, wv).intoArray(w, i);
        }
        for (; i < to; i++) {
            float gi = Math.min(Math.max(g[i] * gradScale, -clip), clip);
            gi = Math.fma(w[i], l2, gi);
            float v = Math.fma(vel[i], mu, gi);
            vel[i] = v;
            float d = nesterov ? Math.fma(v, mu, gi) : v;
            w[i] = Math.fma(d, nlr, w[i]);
        }
    }

    /**
     * Adam / AdamW: {@code ĝ = clamp(g·gradScale, ±clip) + l2·w; m = β₁m + (1−β₁)ĝ; v = β₂v + (1−β₂)ĝ²;
     * w = w·decayMul − stepSize·m / (√v·invSqrtBc2 + ε)} with {@code stepSize = lr/(1−β₁ᵗ)},
     * {@code invSqrtBc2 = 1/√(1−β₂ᵗ)} and {@code decayMul = 1 − lr·λ} (AdamW; 1 for Adam).
     */
    public static void adam(int from, int to, float stepSize, float gradScale, float clip, float l2,
                            float decayMul, float beta1, float beta2, float eps, float invSqrtBc2,
                            float[] w, float[] g, float[] m, float[] v) {
        if (clip == Float.POSITIVE_INFINITY && l2 == 0f && decayMul == 1f) {
            adamPlain(from, to, stepSize, gradScale, beta1, beta2, eps, invSqrtBc2, w, g, m, v);
        } else {
            adamGeneral(from, to, stepSize, gradScale, clip, l2, decayMul, beta1, beta2, eps, invSqrtBc2, w, g, m, v);
        }
    }

    /**
     * {@link #adam} without value clipping, L2 decay or decoupled decay: the same operations minus the
     * four that are identities for those settings (clamp to ±∞, +0·w, ×1), which the divider-bound loop
     * notices (about a fifth of its time). Bitwise equal to {@link #adamGeneral} except where a gradient is
     * −0 (the general path's {@code + 0·w} makes it +0) or a weight is infinite.
     */
    static void adamPlain(int from, int to, float stepSize, float gradScale, float beta1, float beta2, float eps,
                          float invSqrtBc2, float[] w, float[] g, float[] m, float[] v) {
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        float nstep = -stepSize;
        FloatVector vb1 = FloatVector.broadcast(SPECIES, beta1);
        FloatVector vb2 = FloatVector.broadcast(SPECIES, beta2);
        FloatVector veps = FloatVector.broadcast(SPECIES, eps);
        FloatVector vbc2 = FloatVector.broadcast(SPECIES, invSqrtBc2);
        FloatVector vnstep = FloatVector.broadcast(SPECIES, nstep);
        boolean scaled = gradScale != 1f;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            if (scaled) {
                gv = gv.mul(gradScale);
            }
            FloatVector mv = FloatVector.fromArray(SPECIES, m, i).fma(vb1, gv.mul(c1));
            FloatVector vv = FloatVector.fromArray(SPECIES, v, i).fma(vb2, gv.mul(gv).mul(c2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).fma(vbc2, veps);
            mv.div(denom).fma(vnstep, FloatVector.fromArray(SPECIES, w, i)).intoArray(w, i);
        }
        for (; i < to; i++) {
            float gi = g[i] * gradScale;
            float mi = Math.fma(m[i], beta1, gi * c1);
            float vi = Math.fma(v[i], beta2, gi * gi * c2);
            m[i] = mi;
            v[i] = vi;
            float denom = Math.fma((float) Math.sqrt(vi), invSqrtBc2, eps);
            w[i] = Math.fma(mi / denom, nstep, w[i]);
        }
    }

    /** {@link #adam} with every term: value clamp, L2 decay and decoupled decay. */
    static void adamGeneral(int from, int to, float stepSize, float gradScale, float clip, float l2,
                            float decayMul, float beta1, float beta2, float eps, float invSqrtBc2,
                            float[] w, float[] g, float[] m, float[] v) {
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        float nstep = -stepSize;
        FloatVector vl2 = FloatVector.broadcast(SPECIES, l2);
        FloatVector vb1 = FloatVector.broadcast(SPECIES, beta1);
        FloatVector vb2 = FloatVector.broadcast(SPECIES, beta2);
        FloatVector veps = FloatVector.broadcast(SPECIES, eps);
        FloatVector vbc2 = FloatVector.broadcast(SPECIES, invSqrtBc2);
        FloatVector vnstep = FloatVector.broadcast(SPECIES, nstep);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector wv = FloatVector.fromArray(SPECIES, w, i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i).mul(gradScale).max(-clip).min(clip);
            gv = wv.fma(vl2, gv);
            FloatVector mv = FloatVector.fromArray(SPECIES, m, i).fma(vb1, gv.mul(c1));
            FloatVector vv = FloatVector.fromArray(SPECIES, v, i).fma(vb2, gv.mul(gv).mul(c2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).fma(vbc2, veps);
            mv.div(denom).fma(vnstep, wv.mul(decayMul)).intoArray(w, i);
        }
        for (; i < to; i++) {
            float wi = w[i];
            float gi = Math.min(Math.max(g[i] * gradScale, -clip), clip);
            gi = Math.fma(wi, l2, gi);
            float mi = Math.fma(m[i], beta1, gi * c1);
            float vi = Math.fma(v[i], beta2, gi * gi * c2);
            m[i] = mi;
            v[i] = vi;
            float denom = Math.fma((float) Math.sqrt(vi), invSqrtBc2, eps);
            w[i] = Math.fma(mi / denom, nstep, wi * decayMul);
        }
    }
}
