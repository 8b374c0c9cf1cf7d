/**
 * Static SIMD kernels over flat {@code float[]} arrays (JDK Vector API, one species: {@link
 * dev.vectrain.kernel.Vec#SPECIES}). No objects, no state, no allocation per call.
 *
 * <p>Conventions shared by every kernel in this package:
 * <ul>
 *   <li>Arguments are arrays plus offsets and sizes; matrices are row-major, with an explicit leading
 *       dimension where the signature has one and contiguous ({@code ld = cols}) otherwise.</li>
 *   <li>Arguments are validated once per call with {@link dev.vectrain.kernel.Check}; a bad call is an
 *       {@link IllegalArgumentException} naming the argument. Sizes of 0 are no-ops.</li>
 *   <li>Loops hoist {@code loopBound}, reductions keep several independent accumulators and finish with
 *       one horizontal sum; tails are scalar or masked. A loop that streams from memory loads its full vectors
 *       without a mask: a masked load that misses the cache stalls the core (a tanh loop over 16M floats read 12
 *       GB/s masked on every vector, 44 plain; jmh/KERNEL-RESULTS.md, session 9). Where one loop must cover the
 *       tail too (one call site for a large formula), it loads plainly up to the last full vector and masked
 *       after; masked stores cost nothing measurable.</li>
 *   <li>A short loop run once per row that streams from memory takes four vectors per step: C2 unrolls a
 *       counted one-vector loop by four and peels its first step into a pre-loop, and a row whose first vector
 *       runs in other code than the rest streams about 20 % slower, natively too (session 10). A four-vector
 *       body is large enough that C2 neither unrolls nor peels it. In L2 the one-vector loop can be faster:
 *       measure both (LayerNorm keeps both, chosen by batch size).</li>
 *   <li>Results are bitwise reproducible: reductions use a fixed chunking and a fixed combine order
 *       (independent of the pool size), horizontal sums use a fixed shuffle tree, and exp/tanh/log1p
 *       come from {@code VMath}, built from IEEE-exact lane operations, so no result depends on the
 *       JIT tier that happened to run it.</li>
 *   <li>NaN and infinities in inputs propagate to outputs; nothing is silently clamped away.</li>
 *   <li>Parallel kernels take a {@link dev.vectrain.parallel.WorkerPool} and keep their task object and
 *       scratch in {@code pool.resource(KEY)}, touched only between {@code pool.claim()} and
 *       {@code pool.release()}: a pool serves one calling thread at a time, and a second thread is refused
 *       before it can overwrite the first one's arguments.</li>
 *   <li>No allocation depends on C2 keeping vectors in registers, so three forms are avoided, each of which
 *       made some kernel allocate in some compile (jmh/KERNEL-RESULTS.md, sessions 7 and 8): a masked operation
 *       on a loop-carried accumulator (let the tail lanes contribute 0 instead: a 0/1 weight, a masked
 *       subtraction, or −∞ before exp); a helper taking or returning vectors that C2 may leave out of line
 *       (write it out, or make the whole loop one method past 325 bytes of bytecode, compiled on its own, as
 *       {@code VMath.tanh} and {@code SoftmaxCrossEntropy.softmaxRow} are); a second FloatVector shape anywhere
 *       in the process. {@code ColdJvmKernelAllocationTest} checks every kernel tiered and with C2 alone.</li>
 * </ul>
 * Every kernel has a plain scalar twin in the test tree ({@code dev.vectrain.reference}) that the
 * tests compare against.
 */
package dev.vectrain.kernel;
