// revad's native CPU kernels for the JAX backend, called through the XLA FFI.
//
// Entry points: RevadForwardSteps / RevadBackwardSteps run a chunk of fused-program steps
// (revad/compile/fusion.py) on psi (and lam) in place, one pass over the state per step;
// RevadPauliSum computes lam = H psi and <psi|lam> in one pass. The loops are plain C++
// that OpenMP splits over the cores and the compiler vectorises; the arithmetic is that
// of the pure-JAX kernels in revad/kernels/purejax.py. Compiled on first use by
// revad/kernels/native.py against the running jaxlib's FFI headers.
//
// Conventions: a state is a flat array of 2^n complex amplitudes, qubit q is bit q of
// the index; a 2x2 matrix u is row-major (u[0] u[1] / u[2] u[3]).

#ifdef _OPENMP
#include <omp.h>
#else  // built without OpenMP (e.g. Apple clang): one thread, the pragmas are ignored
inline int omp_get_max_threads() { return 1; }
inline int omp_get_thread_num() { return 0; }
#endif

#include <complex>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "xla/ffi/api/ffi.h"

namespace ffi = xla::ffi;

namespace {

// Amplitudes from which loops go parallel: below (n <= 16), per-step fork/join cost more
// than a second core gave on the 2-core machine of benchmarks/RESULTS.md.
constexpr int64_t kParallelFrom = int64_t{1} << 17;

template <typename T>
using C = std::complex<T>;

// Complex product without the NaN/Inf special cases of operator* (which are a
// library call per element unless -ffast-math): the states here are finite.
template <typename T>
inline C<T> mul(C<T> a, C<T> b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

// Index of the i-th pair's |0> member for qubit q: insert a 0 bit at position q.
inline int64_t low_member(int64_t i, int q) {
  const int64_t low = i & ((int64_t{1} << q) - 1);
  return ((i - low) << 1) | low;
}

constexpr int64_t kRun = 1024;  // pairs per run: one work item of the parallel loops
constexpr int kInterleaved = 3;  // qubits below this are handled as interleaved runs

// Calls body(Step, j, len) for runs of pairs (j + k Step, j + k Step + 2^q), k < len, that
// together cover every pair of qubit q once, in parallel over runs. For q >= 3 a run is
// contiguous (Step 1). For small q a contiguous run would be 2^q pairs long, too short to
// vectorise, so runs take every 2^(q+1)-th amplitude instead (Step 2, 4 or 8).
template <typename Body>
void for_each_run(int q, int64_t size, Body&& body) {
  const int64_t stride = int64_t{1} << q;
  if (q >= kInterleaved) {
    const int64_t len = stride < kRun ? stride : kRun, count = size / 2 / len;
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
    for (int64_t r = 0; r < count; ++r)
      body(std::integral_constant<int, 1>{}, low_member(r * len, q), len);
    return;
  }
  const int64_t blocks = size / (2 * stride), len = blocks < kRun ? blocks : kRun;
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
  for (int64_t r = 0; r < blocks / len; ++r)
    for (int64_t k = 0; k < stride; ++k) {
      const int64_t j = 2 * stride * r * len + k;
      if (q == 0) body(std::integral_constant<int, 2>{}, j, len);
      if (q == 1) body(std::integral_constant<int, 4>{}, j, len);
      if (q == 2) body(std::integral_constant<int, 8>{}, j, len);
    }
}

template <int Step, typename T>
inline void rotate_run(C<T>* x, C<T>* y, int64_t len, const C<T>* u) {
  const C<T> u00 = u[0], u01 = u[1], u10 = u[2], u11 = u[3];
  for (int64_t k = 0; k < len; ++k) {
    const C<T> a = x[k * Step], b = y[k * Step];
    x[k * Step] = mul(u00, a) + mul(u01, b);
    y[k * Step] = mul(u10, a) + mul(u11, b);
  }
}

// psi <- u psi on qubit q (u: 2x2, row-major), in place.
template <typename T>
void apply_block(C<T>* psi, const C<T>* u, int q, int64_t size) {
  const int64_t stride = int64_t{1} << q;
  for_each_run(q, size, [&](auto step, int64_t j, int64_t len) {
    rotate_run<decltype(step)::value>(psi + j, psi + j + stride, len, u);
  });
}

// Adds the run's share of R[a][b] = sum psi[a] conj(lam[b]) to acc (re/im of R00 R01 R10
// R11) and rotates both states by u, in one loop. The sums run in kLanes independent
// lanes (no reassociation needed), which lets the compiler vectorise them.
constexpr int kLanes = 4;

template <int Step, typename T>
inline void backward_run(C<T>* p0, C<T>* p1, C<T>* l0, C<T>* l1, int64_t len, const C<T>* u,
                         double* acc) {
  const C<T> u00 = u[0], u01 = u[1], u10 = u[2], u11 = u[3];
  T s[8][kLanes] = {};
  auto pair = [&](int64_t k, int lane) {
    const C<T> a = p0[k * Step], b = p1[k * Step], c = l0[k * Step], d = l1[k * Step];
    s[0][lane] += a.real() * c.real() + a.imag() * c.imag();
    s[1][lane] += a.imag() * c.real() - a.real() * c.imag();
    s[2][lane] += a.real() * d.real() + a.imag() * d.imag();
    s[3][lane] += a.imag() * d.real() - a.real() * d.imag();
    s[4][lane] += b.real() * c.real() + b.imag() * c.imag();
    s[5][lane] += b.imag() * c.real() - b.real() * c.imag();
    s[6][lane] += b.real() * d.real() + b.imag() * d.imag();
    s[7][lane] += b.imag() * d.real() - b.real() * d.imag();
    p0[k * Step] = mul(u00, a) + mul(u01, b);
    p1[k * Step] = mul(u10, a) + mul(u11, b);
    l0[k * Step] = mul(u00, c) + mul(u01, d);
    l1[k * Step] = mul(u10, c) + mul(u11, d);
  };
  int64_t k = 0;
  for (; k + kLanes <= len; k += kLanes)
    for (int lane = 0; lane < kLanes; ++lane) pair(k + lane, lane);
  for (; k < len; ++k) pair(k, 0);
  for (int i = 0; i < 8; ++i)
    for (int lane = 0; lane < kLanes; ++lane) acc[i] += s[i][lane];
}

// Cross-density R = Tr_others(|psi><lam|) on qubit q of the inputs, then psi <- u psi and
// lam <- u lam, run by run while the run is in cache. Per-thread partial sums are added
// in thread order, so results do not depend on scheduling.
template <typename T>
void block_backward(C<T>* psi, C<T>* lam, const C<T>* u, int q, int64_t size, C<T>* r) {
  const int64_t stride = int64_t{1} << q;
  std::vector<double> parts(8 * omp_get_max_threads(), 0.0);
  for_each_run(q, size, [&](auto step, int64_t j, int64_t len) {
    backward_run<decltype(step)::value>(psi + j, psi + j + stride, lam + j, lam + j + stride,
                                        len, u, parts.data() + 8 * omp_get_thread_num());
  });
  double total[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (size_t t = 0; t < parts.size(); t += 8)
    for (int k = 0; k < 8; ++k) total[k] += parts[t + k];
  for (int k = 0; k < 4; ++k) r[k] = C<T>(T(total[2 * k]), T(total[2 * k + 1]));
}

// out[j] = in[src(j)] with src GF(2)-linear: src(j) = XOR of cols[i] over the set bits i
// of j. Two lookup tables (low and high halves of j) make src two loads and one XOR.
template <typename T>
void permute(const C<T>* in, C<T>* out, const int32_t* cols, int n, int64_t size) {
  const int lo_bits = n / 2, hi_bits = n - lo_bits;
  std::vector<int64_t> lo(int64_t{1} << lo_bits, 0), hi(int64_t{1} << hi_bits, 0);
  for (int64_t j = 1; j < (int64_t{1} << lo_bits); ++j) {
    const int bit = __builtin_ctzll(j);
    lo[j] = lo[j & (j - 1)] ^ cols[bit];
  }
  for (int64_t j = 1; j < (int64_t{1} << hi_bits); ++j) {
    const int bit = __builtin_ctzll(j);
    hi[j] = hi[j & (j - 1)] ^ cols[lo_bits + bit];
  }
  const int64_t lo_mask = (int64_t{1} << lo_bits) - 1;
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
  for (int64_t j = 0; j < size; ++j) out[j] = in[lo[j & lo_mask] ^ hi[j >> lo_bits]];
}

// lam[j] = sum_t w_t (-1)^popcount((j ^ x_t) & z_t) psi[j ^ x_t]: the Pauli sum in one
// pass over lam, tile by tile. Terms come sorted by x: for each run of equal x, the
// signed weights are summed into one coefficient per amplitude first (real arithmetic
// that vectorises), then one complex product per amplitude adds the run.
constexpr int64_t kPauliTile = 1024;

// Fills lam on [start, start + tile) and returns that tile's share of <psi|lam>.
template <typename T>
C<double> pauli_tile(const C<T>* psi, C<T>* lam, const int32_t* x, const int32_t* z,
                     const C<T>* w, int64_t terms, uint32_t start, uint32_t tile) {
  T cr[kPauliTile], ci[kPauliTile];
  for (uint32_t k = 0; k < tile; ++k) lam[start + k] = C<T>(0, 0);
  for (int64_t first = 0, last; first < terms; first = last) {
    const uint32_t xt = uint32_t(x[first]);
    for (last = first; last < terms && x[last] == x[first]; ++last) {
    }
    for (uint32_t k = 0; k < tile; ++k) cr[k] = ci[k] = 0;
    for (int64_t t = first; t < last; ++t) {
      const uint32_t zt = uint32_t(z[t]);
      const T wr = w[t].real(), wi = w[t].imag();
      for (uint32_t k = 0; k < tile; ++k) {
        uint32_t v = ((start + k) ^ xt) & zt;  // parity by folding: vectorises anywhere
        v ^= v >> 16, v ^= v >> 8, v ^= v >> 4, v ^= v >> 2, v ^= v >> 1;
        const T sign = T(1) - T(2) * T(int32_t(v & 1));
        cr[k] += sign * wr;
        ci[k] += sign * wi;
      }
    }
    for (uint32_t k = 0; k < tile; ++k)
      lam[start + k] += mul(C<T>(cr[k], ci[k]), psi[(start + k) ^ xt]);
  }
  C<double> energy = 0;
  for (uint32_t k = 0; k < tile; ++k) {
    const C<T> e = mul(std::conj(psi[start + k]), lam[start + k]);
    energy += C<double>(e.real(), e.imag());
  }
  return energy;
}

// lam = H psi, returning <psi|lam> (summed per thread, then in thread order).
template <typename T>
C<double> pauli_sum(const C<T>* psi, C<T>* lam, const int32_t* x, const int32_t* z,
                    const C<T>* w, int64_t terms, int64_t size) {
  const int64_t tile = size < kPauliTile ? size : kPauliTile;
  const bool parallel = size >= kParallelFrom;
  std::vector<C<double>> parts(parallel ? omp_get_max_threads() : 1, 0);
#pragma omp parallel if (parallel)
  {
    C<double>& energy = parts[omp_get_thread_num()];
#pragma omp for schedule(static)
    for (int64_t start = 0; start < size; start += tile)
      energy += pauli_tile(psi, lam, x, z, w, terms, uint32_t(start), uint32_t(tile));
  }
  C<double> total = 0;
  for (const C<double>& part : parts) total += part;
  return total;
}

// k(j) = 2 bit_a(j) + bit_b(j): which of the four coefficients a generic gate uses at j.
inline int local_index(int64_t j, int a, int b) {
  return int(((j >> a) & 1) << 1 | ((j >> b) & 1));
}

// Generic gate (U psi)[j] = A[k] psi[j] + B[k] psi[j ^ m], in place over the pairs
// (j, j ^ m); with want_inner, also returns <lam | P psi> for P = (GA, GB) on the input.
template <typename T>
C<T> generic(C<T>* psi, const C<T>* lam, int a, int b, int64_t m, const C<T>* ca,
             const C<T>* cb, const C<T>* ga, const C<T>* gb, int64_t size) {
  double acc_re = 0, acc_im = 0;
  if (m == 0) {  // diagonal: B is zero by construction, A + B is safe either way
#pragma omp parallel for schedule(static) reduction(+ : acc_re, acc_im) if (size >= kParallelFrom)
    for (int64_t j = 0; j < size; ++j) {
      const int k = local_index(j, a, b);
      const C<T> x = psi[j];
      if (lam) {
        const C<T> t = mul(std::conj(lam[j]), mul(ga[k] + gb[k], x));
        acc_re += t.real(), acc_im += t.imag();
      }
      psi[j] = mul(ca[k] + cb[k], x);
    }
  } else {
    const int high = 63 - __builtin_clzll(static_cast<uint64_t>(m));
#pragma omp parallel for schedule(static) reduction(+ : acc_re, acc_im) if (size >= kParallelFrom)
    for (int64_t i = 0; i < size / 2; ++i) {
      const int64_t j = low_member(i, high), p = j ^ m;
      const int kj = local_index(j, a, b), kp = local_index(p, a, b);
      const C<T> x = psi[j], y = psi[p];
      if (lam) {
        const C<T> t = mul(std::conj(lam[j]), mul(ga[kj], x) + mul(gb[kj], y)) +
                       mul(std::conj(lam[p]), mul(ga[kp], y) + mul(gb[kp], x));
        acc_re += t.real(), acc_im += t.imag();
      }
      psi[j] = mul(ca[kj], x) + mul(cb[kj], y);
      psi[p] = mul(ca[kp], y) + mul(cb[kp], x);
    }
  }
  return C<T>(T(acc_re), T(acc_im));
}

// Parity of popcount(v): (-1)^popcount(v) as +1 / -1.
inline int parity_sign(int64_t v) { return (__builtin_popcountll(static_cast<uint64_t>(v)) & 1) ? -1 : 1; }

// The masked generic gate of revad/compile/lowering.py: where (j & cm) is cv or cv2,
// (U psi)[j] = A[k] psi[j] + B[k] s(j) psi[j ^ m] with s(j) = (-1)^popcount(j & z);
// psi[j] elsewhere. The active set is closed under j -> j ^ m. With want_inner (lam),
// also returns <lam | G psi> for the generator (GA, GB), zero where inactive.
template <typename T>
C<T> masked(C<T>* psi, const C<T>* lam, int a, int b, int64_t m, int64_t z, int64_t cm,
            int64_t cv, int64_t cv2, const C<T>* ca, const C<T>* cb, const C<T>* ga,
            const C<T>* gb, int64_t size) {
  double acc_re = 0, acc_im = 0;
  auto active = [&](int64_t j) { return (j & cm) == cv || (j & cm) == cv2; };
  if (m == 0) {
#pragma omp parallel for schedule(static) reduction(+ : acc_re, acc_im) if (size >= kParallelFrom)
    for (int64_t j = 0; j < size; ++j) {
      if (!active(j)) continue;
      const int k = local_index(j, a, b);
      const T sign = T(parity_sign(j & z));
      const C<T> x = psi[j];
      if (lam) {
        const C<T> t = mul(std::conj(lam[j]), mul(ga[k] + gb[k] * sign, x));
        acc_re += t.real(), acc_im += t.imag();
      }
      psi[j] = mul(ca[k] + cb[k] * sign, x);
    }
  } else {
    const int high = 63 - __builtin_clzll(static_cast<uint64_t>(m));
#pragma omp parallel for schedule(static) reduction(+ : acc_re, acc_im) if (size >= kParallelFrom)
    for (int64_t i = 0; i < size / 2; ++i) {
      const int64_t j = low_member(i, high), p = j ^ m;
      if (!active(j)) continue;
      const int kj = local_index(j, a, b), kp = local_index(p, a, b);
      const T sj = T(parity_sign(j & z)), sp = T(parity_sign(p & z));
      const C<T> x = psi[j], y = psi[p];
      if (lam) {
        const C<T> t = mul(std::conj(lam[j]), mul(ga[kj], x) + mul(gb[kj] * sj, y)) +
                       mul(std::conj(lam[p]), mul(ga[kp], y) + mul(gb[kp] * sp, x));
        acc_re += t.real(), acc_im += t.imag();
      }
      psi[j] = mul(ca[kj], x) + mul(cb[kj] * sj, y);
      psi[p] = mul(ca[kp], y) + mul(cb[kp] * sp, x);
    }
  }
  return C<T>(T(acc_re), T(acc_im));
}

// psi <- U psi for a dense matrix on the (up to 3) qubits of cm; u is 8x8 row-major with
// the local index formed by those qubits, lowest first (d x d top-left for d = 2^k).
template <typename T>
void dense(C<T>* psi, const C<T>* u, int64_t cm, int64_t size) {
  int q[3], k = 0;
  for (int bit = 0; bit < 63 && k < 3; ++bit)
    if ((cm >> bit) & 1) q[k++] = bit;
  const int d = 1 << k;
  int64_t offset[8];
  for (int l = 0; l < d; ++l) {
    offset[l] = 0;
    for (int i = 0; i < k; ++i) offset[l] |= int64_t((l >> i) & 1) << q[i];
  }
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
  for (int64_t r = 0; r < (size >> k); ++r) {
    int64_t base = r;
    for (int i = 0; i < k; ++i) base = low_member(base, q[i]);
    C<T> in[8], out[8];
    for (int l = 0; l < d; ++l) in[l] = psi[base | offset[l]];
    for (int l = 0; l < d; ++l) {
      out[l] = C<T>(0, 0);
      for (int c = 0; c < d; ++c) out[l] += mul(u[8 * l + c], in[c]);
    }
    for (int l = 0; l < d; ++l) psi[base | offset[l]] = out[l];
  }
}

// A run of up to 4 diagonal entries (revad/compile/fusion.py, DIAG): entry e reads
// local index k_e(j) from qubits (a_e, b_e) and sign s_e(j) = (-1)^popcount(j & z_e);
// coef holds per entry A, B, GA, GB (4 values each). Forward: psi[j] *= prod_e (A_e[k] +
// B_e[k] s_e). Backward (coef holds U^dagger's A, B): r[e] = <lam|G_e psi> for
// G_e = GA_e[k] + GB_e[k] s_e, all at the run's end (the entries commute), then psi and
// lam *= the U^dagger phases.
constexpr int kDiagEntries = 4;

template <typename T>
inline C<T> diag_phase(int64_t j, const int32_t* local, const C<T>* coef, int which) {
  C<T> f(1, 0);
  for (int e = 0; e < kDiagEntries; ++e) {
    const int k = local_index(j, local[3 * e], local[3 * e + 1]);
    const T sign = T(parity_sign(j & local[3 * e + 2]));
    const C<T>* c = coef + 16 * e + 4 * which;
    f = mul(f, c[k] + c[4 + k] * sign);
  }
  return f;
}

template <typename T>
void diag_steps(C<T>* psi, C<T>* lam, const int32_t* local, const C<T>* coef, int64_t size,
                C<T>* r) {
  double acc[2 * kDiagEntries] = {0, 0, 0, 0, 0, 0, 0, 0};
  if (lam) {
#pragma omp parallel for schedule(static) reduction(+ : acc[:8]) if (size >= kParallelFrom)
    for (int64_t j = 0; j < size; ++j) {
      const C<T> x = psi[j], l = std::conj(lam[j]);
      for (int e = 0; e < kDiagEntries; ++e) {
        const int k = local_index(j, local[3 * e], local[3 * e + 1]);
        const T sign = T(parity_sign(j & local[3 * e + 2]));
        const C<T>* c = coef + 16 * e;
        const C<T> t = mul(l, mul(c[8 + k] + c[12 + k] * sign, x));
        acc[2 * e] += t.real(), acc[2 * e + 1] += t.imag();
      }
      const C<T> f = diag_phase(j, local, coef, 0);
      psi[j] = mul(f, x);
      lam[j] = mul(f, lam[j]);
    }
    for (int e = 0; e < kDiagEntries; ++e) r[e] = C<T>(T(acc[2 * e]), T(acc[2 * e + 1]));
    return;
  }
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
  for (int64_t j = 0; j < size; ++j) psi[j] = mul(diag_phase(j, local, coef, 0), psi[j]);
}

template <typename T>
void permute_in_place(C<T>* psi, C<T>* scratch, const int32_t* cols, int n, int64_t size) {
  permute(psi, scratch, cols, n, size);
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
  for (int64_t j = 0; j < size; ++j) psi[j] = scratch[j];
}

// Steps of a fused program (see revad/compile/fusion.py), one row each: ints = (type, a,
// b, m, z, cm, cv, cv2), coef = 2x2 block matrix, A, B, GA, GB (4 entries each), cols =
// permutation columns, dense = a DENSE step's 8x8 matrix (absent without DENSE steps).
enum StepType { kBlock = 0, kGate = 1, kPerm = 2, kNoop = 3, kDense = 4, kDiag = 5 };
constexpr int kCoefs = 20, kInts = 20, kDenseCoefs = 64;  // ints: 8, then DIAG's (a, b, z) x 4

// A generic gate: the plain kernel without masks, the masked one otherwise.
template <typename T>
C<T> gate(C<T>* psi, const C<T>* lam, const int32_t* i, const C<T>* c, bool inner, int64_t size) {
  const C<T>* ga = inner ? c + 12 : nullptr;
  const C<T>* gb = inner ? c + 16 : nullptr;
  if (i[4] == 0 && i[5] == 0)
    return generic(psi, inner ? lam : nullptr, i[1], i[2], i[3], c + 4, c + 8, ga, gb, size);
  return masked(psi, inner ? lam : nullptr, i[1], i[2], i[3], i[4], i[5], i[6], i[7], c + 4,
                c + 8, ga, gb, size);
}

template <typename T>
void forward_steps(C<T>* psi, C<T>* scratch, const int32_t* ints, const C<T>* coef,
                   const int32_t* cols, const C<T>* dense_coef, int64_t steps, int n,
                   int64_t size) {
  for (int64_t s = 0; s < steps; ++s) {
    const int32_t* i = ints + kInts * s;
    const C<T>* c = coef + kCoefs * s;
    switch (i[0]) {
      case kBlock:
        apply_block(psi, c, i[1], size);
        break;
      case kGate:
        gate(psi, static_cast<const C<T>*>(nullptr), i, c, false, size);
        break;
      case kPerm:
        permute_in_place(psi, scratch, cols + n * s, n, size);
        break;
      case kDense:
        dense(psi, dense_coef + kDenseCoefs * s, i[5], size);
        break;
      case kDiag:
        diag_steps(psi, static_cast<C<T>*>(nullptr), i + 8, dense_coef + kDenseCoefs * s, size,
                   static_cast<C<T>*>(nullptr));
        break;
    }
  }
}

// The steps reversed on psi and lam (coef holds U^dagger), last step first. r[s] (2x2):
// a block's cross-density of its inputs, or <lam|P psi> of a gate in r[s][0].
template <typename T>
void backward_steps(C<T>* psi, C<T>* lam, C<T>* scratch, const int32_t* ints, const C<T>* coef,
                    const int32_t* cols, const C<T>* dense_coef, int64_t steps, int n,
                    int64_t size, C<T>* r) {
  for (int64_t s = steps - 1; s >= 0; --s) {
    const int32_t* i = ints + kInts * s;
    const C<T>* c = coef + kCoefs * s;
    C<T>* rs = r + 4 * s;
    for (int k = 0; k < 4; ++k) rs[k] = C<T>(0, 0);
    switch (i[0]) {
      case kBlock:
        block_backward(psi, lam, c, i[1], size, rs);
        break;
      case kGate:
        rs[0] = gate(psi, lam, i, c, true, size);
        gate(lam, static_cast<const C<T>*>(nullptr), i, c, false, size);
        break;
      case kPerm:
        permute_in_place(psi, scratch, cols + n * s, n, size);
        permute_in_place(lam, scratch, cols + n * s, n, size);
        break;
      case kDense:
        dense(psi, dense_coef + kDenseCoefs * s, i[5], size);
        dense(lam, dense_coef + kDenseCoefs * s, i[5], size);
        break;
      case kDiag:
        diag_steps(psi, lam, i + 8, dense_coef + kDenseCoefs * s, size, rs);
        break;
    }
  }
}

bool is_complex(const ffi::AnyBuffer& b) {
  return b.element_type() == ffi::DataType::C64 || b.element_type() == ffi::DataType::C128;
}

ffi::Error check_state(const ffi::AnyBuffer& psi, const ffi::AnyBuffer& other) {
  if (!is_complex(psi) || other.element_type() != psi.element_type())
    return ffi::Error::InvalidArgument("revad kernels need complex64/128 operands of one dtype");
  const int64_t size = psi.element_count();
  if (size < 2 || (size & (size - 1)) != 0)
    return ffi::Error::InvalidArgument("revad kernels need a state of length 2^n, n >= 1");
  return ffi::Error::Success();
}

int log2_size(int64_t size) { return 63 - __builtin_clzll(static_cast<uint64_t>(size)); }

template <typename T>
T* data(const ffi::AnyBuffer& b) {
  return static_cast<T*>(b.untyped_data());
}

// Validates the step table and sets the number of steps.
ffi::Error check_steps(const ffi::AnyBuffer& psi, const ffi::Buffer<ffi::S32>& ints,
                       const ffi::AnyBuffer& coef, const ffi::Buffer<ffi::S32>& cols,
                       const ffi::AnyBuffer& dense_coef, int64_t& steps) {
  if (auto e = check_state(psi, coef); e.failure()) return e;
  if (auto e = check_state(psi, dense_coef); e.failure()) return e;
  const int n = log2_size(psi.element_count());
  steps = ints.element_count() / kInts;
  const int64_t dense_count = dense_coef.element_count();
  if (static_cast<int64_t>(ints.element_count()) != kInts * steps ||
      static_cast<int64_t>(coef.element_count()) != kCoefs * steps ||
      static_cast<int64_t>(cols.element_count()) != n * steps ||
      (dense_count != 0 && dense_count != kDenseCoefs * steps))
    return ffi::Error::InvalidArgument("revad steps: operand sizes do not match");
  for (int64_t s = 0; s < steps; ++s) {
    const int32_t* i = ints.typed_data() + kInts * s;
    bool masks_ok = true;
    for (int k = 3; k < kInts; ++k) masks_ok = masks_ok && i[k] >= 0 && (int64_t{i[k]} >> n) == 0;
    for (int e = 0; e < 4; ++e) masks_ok = masks_ok && i[8 + 3 * e] < n && i[9 + 3 * e] < n;
    if (i[0] < kBlock || i[0] > kDiag || i[1] < 0 || i[1] >= n || i[2] < 0 || i[2] >= n ||
        !masks_ok || (i[0] == kDense && (dense_count == 0 || __builtin_popcount(i[5]) > 3)) ||
        (i[0] == kDiag && dense_count == 0))
      return ffi::Error::InvalidArgument("revad steps: bad step type, qubit or mask");
  }
  return ffi::Error::Success();
}

bool same_buffer(const ffi::AnyBuffer& in, ffi::Result<ffi::AnyBuffer>& out) {
  return out->untyped_data() == in.untyped_data();
}

ffi::Error ForwardStepsImpl(ffi::AnyBuffer psi, ffi::AnyBuffer scratch,
                            ffi::Buffer<ffi::S32> ints, ffi::AnyBuffer coef,
                            ffi::Buffer<ffi::S32> cols, ffi::AnyBuffer dense_coef,
                            ffi::Result<ffi::AnyBuffer> psi_out,
                            ffi::Result<ffi::AnyBuffer> scratch_out) {
  int64_t steps = 0;
  if (auto e = check_steps(psi, ints, coef, cols, dense_coef, steps); e.failure()) return e;
  if (!same_buffer(psi, psi_out) || !same_buffer(scratch, scratch_out))
    return ffi::Error::InvalidArgument("revad steps: outputs must alias inputs");
  const int64_t size = psi.element_count();
  const int n = log2_size(size);
  if (psi.element_type() == ffi::DataType::C128)
    forward_steps(data<C<double>>(psi), data<C<double>>(scratch), ints.typed_data(),
                  data<C<double>>(coef), cols.typed_data(), data<C<double>>(dense_coef), steps,
                  n, size);
  else
    forward_steps(data<C<float>>(psi), data<C<float>>(scratch), ints.typed_data(),
                  data<C<float>>(coef), cols.typed_data(), data<C<float>>(dense_coef), steps,
                  n, size);
  return ffi::Error::Success();
}

ffi::Error BackwardStepsImpl(ffi::AnyBuffer psi, ffi::AnyBuffer lam, ffi::AnyBuffer scratch,
                             ffi::Buffer<ffi::S32> ints, ffi::AnyBuffer coef,
                             ffi::Buffer<ffi::S32> cols, ffi::AnyBuffer dense_coef,
                             ffi::Result<ffi::AnyBuffer> psi_out,
                             ffi::Result<ffi::AnyBuffer> lam_out,
                             ffi::Result<ffi::AnyBuffer> scratch_out,
                             ffi::Result<ffi::AnyBuffer> r) {
  int64_t steps = 0;
  if (auto e = check_steps(psi, ints, coef, cols, dense_coef, steps); e.failure()) return e;
  if (!same_buffer(psi, psi_out) || !same_buffer(lam, lam_out) ||
      !same_buffer(scratch, scratch_out))
    return ffi::Error::InvalidArgument("revad steps: outputs must alias inputs");
  const int64_t size = psi.element_count();
  const int n = log2_size(size);
  if (psi.element_type() == ffi::DataType::C128)
    backward_steps(data<C<double>>(psi), data<C<double>>(lam), data<C<double>>(scratch),
                   ints.typed_data(), data<C<double>>(coef), cols.typed_data(),
                   data<C<double>>(dense_coef), steps, n, size, data<C<double>>(*r));
  else
    backward_steps(data<C<float>>(psi), data<C<float>>(lam), data<C<float>>(scratch),
                   ints.typed_data(), data<C<float>>(coef), cols.typed_data(),
                   data<C<float>>(dense_coef), steps, n, size, data<C<float>>(*r));
  return ffi::Error::Success();
}

ffi::Error PauliSumImpl(ffi::AnyBuffer psi, ffi::Buffer<ffi::S32> x, ffi::Buffer<ffi::S32> z,
                        ffi::AnyBuffer w, ffi::Result<ffi::AnyBuffer> lam,
                        ffi::Result<ffi::AnyBuffer> energy) {
  if (auto e = check_state(psi, w); e.failure()) return e;
  const int64_t terms = x.element_count();
  if (static_cast<int64_t>(z.element_count()) != terms ||
      static_cast<int64_t>(w.element_count()) != terms)
    return ffi::Error::InvalidArgument("Pauli masks and weights differ in length");
  const int64_t size = psi.element_count();
  for (int64_t t = 0; t < terms; ++t)
    if (x.typed_data()[t] < 0 || x.typed_data()[t] >= size || z.typed_data()[t] < 0 ||
        z.typed_data()[t] >= size)
      return ffi::Error::InvalidArgument("Pauli mask outside the state's qubits");
  const C<double> e =
      psi.element_type() == ffi::DataType::C128
          ? pauli_sum(data<C<double>>(psi), data<C<double>>(*lam), x.typed_data(),
                      z.typed_data(), data<C<double>>(w), terms, size)
          : pauli_sum(data<C<float>>(psi), data<C<float>>(*lam), x.typed_data(), z.typed_data(),
                      data<C<float>>(w), terms, size);
  if (psi.element_type() == ffi::DataType::C128)
    *data<double>(*energy) = e.real();
  else
    *data<float>(*energy) = float(e.real());
  return ffi::Error::Success();
}

}  // namespace

XLA_FFI_DEFINE_HANDLER_SYMBOL(RevadForwardSteps, ForwardStepsImpl,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>());

XLA_FFI_DEFINE_HANDLER_SYMBOL(RevadBackwardSteps, BackwardStepsImpl,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>());

XLA_FFI_DEFINE_HANDLER_SYMBOL(RevadPauliSum, PauliSumImpl,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>());
