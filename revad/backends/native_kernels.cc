// revad's native CPU kernels for the JAX backend, called through the XLA FFI.
//
// Each kernel is one pass over a statevector (or two, for the backward block), written
// as plain loops that OpenMP splits over the CPU's cores. XLA:CPU runs every fused loop
// of the pure-JAX path on one thread and cannot vectorise loops with a partner index
// (j ^ mask); these loops are the same arithmetic, parallel. Compiled on first use by
// revad/backends/native.py against the running jaxlib's FFI headers.
//
// Conventions: a state is a flat array of 2^n complex amplitudes, qubit q is bit q of
// the index; a 2x2 matrix u is row-major (u[0] u[1] / u[2] u[3]).

#include <complex>
#include <cstdint>
#include <vector>

#include "xla/ffi/api/ffi.h"

namespace ffi = xla::ffi;

namespace {

constexpr int64_t kParallelFrom = int64_t{1} << 14;  // amplitudes; below, one thread

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

template <typename T>
void apply_block(const C<T>* in, C<T>* out, const C<T>* u, int q, int64_t size) {
  const int64_t pairs = size / 2, stride = int64_t{1} << q;
  const C<T> u00 = u[0], u01 = u[1], u10 = u[2], u11 = u[3];
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
  for (int64_t i = 0; i < pairs; ++i) {
    const int64_t j0 = low_member(i, q), j1 = j0 | stride;
    const C<T> a = in[j0], b = in[j1];
    out[j0] = mul(u00, a) + mul(u01, b);
    out[j1] = mul(u10, a) + mul(u11, b);
  }
}

// Cross-density R[a][b] = sum_rest psi[a, rest] conj(lam[b, rest]) of the inputs, then
// psi <- u psi, lam <- u lam: one pass reads both states once.
template <typename T>
void block_backward(const C<T>* psi, const C<T>* lam, C<T>* psi_out, C<T>* lam_out,
                    const C<T>* u, int q, int64_t size, C<T>* r) {
  const int64_t pairs = size / 2, stride = int64_t{1} << q;
  const C<T> u00 = u[0], u01 = u[1], u10 = u[2], u11 = u[3];
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // re/im of R00 R01 R10 R11
#pragma omp parallel for schedule(static) reduction(+ : acc[:8]) if (size >= kParallelFrom)
  for (int64_t i = 0; i < pairs; ++i) {
    const int64_t j0 = low_member(i, q), j1 = j0 | stride;
    const C<T> p0 = psi[j0], p1 = psi[j1], l0 = lam[j0], l1 = lam[j1];
    const C<T> c0 = std::conj(l0), c1 = std::conj(l1);
    const C<T> r00 = mul(p0, c0), r01 = mul(p0, c1), r10 = mul(p1, c0), r11 = mul(p1, c1);
    acc[0] += r00.real(), acc[1] += r00.imag(), acc[2] += r01.real(), acc[3] += r01.imag();
    acc[4] += r10.real(), acc[5] += r10.imag(), acc[6] += r11.real(), acc[7] += r11.imag();
    psi_out[j0] = mul(u00, p0) + mul(u01, p1);
    psi_out[j1] = mul(u10, p0) + mul(u11, p1);
    lam_out[j0] = mul(u00, l0) + mul(u01, l1);
    lam_out[j1] = mul(u10, l0) + mul(u11, l1);
  }
  for (int k = 0; k < 4; ++k) r[k] = C<T>(T(acc[2 * k]), T(acc[2 * k + 1]));
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
// pass over lam, tiled so that a tile of lam stays in cache while every term adds to it.
template <typename T>
void pauli_sum(const C<T>* psi, C<T>* lam, const int32_t* x, const int32_t* z, const C<T>* w,
               int64_t terms, int64_t size) {
  const int64_t tile = size < 4096 ? size : 4096;
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
  for (int64_t start = 0; start < size; start += tile) {
    for (int64_t j = start; j < start + tile; ++j) lam[j] = C<T>(0, 0);
    for (int64_t t = 0; t < terms; ++t) {
      const int64_t xt = x[t], zt = z[t];
      const C<T> wt = w[t];
      for (int64_t j = start; j < start + tile; ++j) {
        const int64_t src = j ^ xt;
        const T sign = T(1 - 2 * (__builtin_popcountll(src & zt) & 1));
        lam[j] += sign * mul(wt, psi[src]);
      }
    }
  }
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

template <typename T>
void permute_in_place(C<T>* psi, C<T>* scratch, const int32_t* cols, int n, int64_t size) {
  permute(psi, scratch, cols, n, size);
#pragma omp parallel for schedule(static) if (size >= kParallelFrom)
  for (int64_t j = 0; j < size; ++j) psi[j] = scratch[j];
}

// One step of a fused program (see revad/backends/fusion.py): ints = (type, a, b, m),
// coef = 2x2 block matrix, A, B, GA, GB (4 entries each), cols = permutation columns.
enum StepType { kBlock = 0, kGate = 1, kPerm = 2, kNoop = 3 };

template <typename T>
void forward_step(C<T>* psi, C<T>* scratch, const int32_t* ints, const C<T>* coef,
                  const int32_t* cols, int n, int64_t size) {
  switch (ints[0]) {
    case kBlock:
      return apply_block(psi, psi, coef, ints[1], size);
    case kGate:
      generic<T>(psi, nullptr, ints[1], ints[2], ints[3], coef + 4, coef + 8, nullptr, nullptr,
                 size);
      return;
    case kPerm:
      return permute_in_place(psi, scratch, cols, n, size);
  }
}

// The reverse of one step on psi and lam (coef holds U^dagger), returning r: a block's
// cross-density of the inputs, or <lam|P psi> of a gate in r[0].
template <typename T>
void backward_step(C<T>* psi, C<T>* lam, C<T>* scratch, const int32_t* ints, const C<T>* coef,
                   const int32_t* cols, int n, int64_t size, C<T>* r) {
  for (int k = 0; k < 4; ++k) r[k] = C<T>(0, 0);
  switch (ints[0]) {
    case kBlock:
      return block_backward(psi, lam, psi, lam, coef, ints[1], size, r);
    case kGate:
      r[0] = generic(psi, lam, ints[1], ints[2], ints[3], coef + 4, coef + 8, coef + 12,
                     coef + 16, size);
      generic<T>(lam, nullptr, ints[1], ints[2], ints[3], coef + 4, coef + 8, nullptr, nullptr,
                 size);
      return;
    case kPerm:
      permute_in_place(psi, scratch, cols, n, size);
      permute_in_place(lam, scratch, cols, n, size);
      return;
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

ffi::Error check_step(const ffi::AnyBuffer& psi, const ffi::Buffer<ffi::S32>& ints,
                      const ffi::AnyBuffer& coef, const ffi::Buffer<ffi::S32>& cols) {
  if (auto e = check_state(psi, coef); e.failure()) return e;
  const int n = log2_size(psi.element_count());
  if (ints.element_count() != 4 || coef.element_count() != 20 ||
      static_cast<int64_t>(cols.element_count()) != n)
    return ffi::Error::InvalidArgument("revad step: bad operand sizes");
  const int32_t* i = ints.typed_data();
  if (i[0] < kBlock || i[0] > kNoop || i[1] < 0 || i[1] >= n || i[2] < 0 || i[2] >= n)
    return ffi::Error::InvalidArgument("revad step: bad step type or qubit");
  return ffi::Error::Success();
}

ffi::Error ForwardStepImpl(ffi::AnyBuffer psi, ffi::AnyBuffer scratch, ffi::Buffer<ffi::S32> ints,
                           ffi::AnyBuffer coef, ffi::Buffer<ffi::S32> cols,
                           ffi::Result<ffi::AnyBuffer> psi_out,
                           ffi::Result<ffi::AnyBuffer> scratch_out) {
  if (auto e = check_step(psi, ints, coef, cols); e.failure()) return e;
  if (psi_out->untyped_data() != psi.untyped_data() ||
      scratch_out->untyped_data() != scratch.untyped_data())
    return ffi::Error::InvalidArgument("revad step: outputs must alias inputs");
  const int64_t size = psi.element_count();
  const int n = log2_size(size);
  if (psi.element_type() == ffi::DataType::C128)
    forward_step(data<C<double>>(psi), data<C<double>>(scratch), ints.typed_data(),
                 data<C<double>>(coef), cols.typed_data(), n, size);
  else
    forward_step(data<C<float>>(psi), data<C<float>>(scratch), ints.typed_data(),
                 data<C<float>>(coef), cols.typed_data(), n, size);
  return ffi::Error::Success();
}

ffi::Error BackwardStepImpl(ffi::AnyBuffer psi, ffi::AnyBuffer lam, ffi::AnyBuffer scratch,
                            ffi::Buffer<ffi::S32> ints, ffi::AnyBuffer coef,
                            ffi::Buffer<ffi::S32> cols, ffi::Result<ffi::AnyBuffer> psi_out,
                            ffi::Result<ffi::AnyBuffer> lam_out,
                            ffi::Result<ffi::AnyBuffer> scratch_out,
                            ffi::Result<ffi::AnyBuffer> r) {
  if (auto e = check_step(psi, ints, coef, cols); e.failure()) return e;
  if (psi_out->untyped_data() != psi.untyped_data() ||
      lam_out->untyped_data() != lam.untyped_data() ||
      scratch_out->untyped_data() != scratch.untyped_data())
    return ffi::Error::InvalidArgument("revad step: outputs must alias inputs");
  const int64_t size = psi.element_count();
  const int n = log2_size(size);
  if (psi.element_type() == ffi::DataType::C128)
    backward_step(data<C<double>>(psi), data<C<double>>(lam), data<C<double>>(scratch),
                  ints.typed_data(), data<C<double>>(coef), cols.typed_data(), n, size,
                  data<C<double>>(*r));
  else
    backward_step(data<C<float>>(psi), data<C<float>>(lam), data<C<float>>(scratch),
                  ints.typed_data(), data<C<float>>(coef), cols.typed_data(), n, size,
                  data<C<float>>(*r));
  return ffi::Error::Success();
}

ffi::Error PauliSumImpl(ffi::AnyBuffer psi, ffi::Buffer<ffi::S32> x, ffi::Buffer<ffi::S32> z,
                        ffi::AnyBuffer w, ffi::Result<ffi::AnyBuffer> lam) {
  if (auto e = check_state(psi, w); e.failure()) return e;
  const int64_t terms = x.element_count();
  if (static_cast<int64_t>(z.element_count()) != terms ||
      static_cast<int64_t>(w.element_count()) != terms)
    return ffi::Error::InvalidArgument("Pauli masks and weights differ in length");
  const int64_t size = psi.element_count();
  if (psi.element_type() == ffi::DataType::C128)
    pauli_sum(data<C<double>>(psi), data<C<double>>(*lam), x.typed_data(), z.typed_data(),
              data<C<double>>(w), terms, size);
  else
    pauli_sum(data<C<float>>(psi), data<C<float>>(*lam), x.typed_data(), z.typed_data(),
              data<C<float>>(w), terms, size);
  return ffi::Error::Success();
}

}  // namespace

XLA_FFI_DEFINE_HANDLER_SYMBOL(RevadForwardStep, ForwardStepImpl,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>());

XLA_FFI_DEFINE_HANDLER_SYMBOL(RevadBackwardStep, BackwardStepImpl,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::Buffer<ffi::S32>>()
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
                                  .Ret<ffi::AnyBuffer>());
