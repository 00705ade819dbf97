"""
    RevadYao

The Yao.jl backend of revad. revad (Python) encodes a circuit as small arrays, one entry
per gate: a gate code (`GATE_CODES`), two Yao qubits (1-based; the second is 0 for
one-qubit gates), a trainable parameter slot (1-based; 0 when the gate has none or a
fixed angle) and a fixed angle. A Hamiltonian comes as real coefficients plus one entry
per Pauli factor: its term (1-based), its Pauli (`PAULI_CODES`) and its Yao qubit.

Conventions match revad's (docs/conventions.md): Yao qubit `q` is revad qubit `q - 1`, qubit 1 is
the least significant bit of the basis index, `Rx(θ) = exp(-iθX/2)`,
`rot(kron(X, X), θ) = exp(-iθ X⊗X/2)`, and revad's `phase(θ)` is Yao's `shift(θ)`.

Gradients come from Yao's reversible adjoint, `expect'(h, reg => circuit)`, one entry per
trainable block in `parameters(circuit)` order; `slot_gradient` adds them into revad's
slots. Gates with a fixed angle are wrapped in `NoParams`, so they are not trainable and
never appear in `parameters(circuit)` or in the gradient.
"""
module RevadYao

using Yao
using Yao.YaoBlocks.AD: NoParams

export GATE_CODES,
    PAULI_CODES,
    block_parameters,
    circuit_block,
    energy_and_gradient,
    expectation,
    hamiltonian_block,
    slot_gradient,
    statevector

"""
Codes of revad's gates. `revad/backends/yao_encoding.py` holds the same table, and a
Python test checks that both agree.
"""
const GATE_CODES = (
    x = 1,
    y = 2,
    z = 3,
    h = 4,
    s = 5,
    t = 6,
    rx = 7,
    ry = 8,
    rz = 9,
    phase = 10,
    cnot = 11,
    cz = 12,
    swap = 13,
    crx = 14,
    cry = 15,
    crz = 16,
    rxx = 17,
    ryy = 18,
    rzz = 19,
)

"""Codes of the Pauli factors of a Hamiltonian term (identity factors are left out)."""
const PAULI_CODES = (X = 1, Y = 2, Z = 3)

const G = GATE_CODES
const PARAMETRIC_CODES = (
    G.rx,
    G.ry,
    G.rz,
    G.phase,
    G.crx,
    G.cry,
    G.crz,
    G.rxx,
    G.ryy,
    G.rzz,
)

"""
    is_parametric(code) -> Bool

Whether the gate with this code takes an angle.
"""
is_parametric(code::Integer) = code in PARAMETRIC_CODES

"""
    gate_block(n, code, a, b, θ) -> AbstractBlock

The `n`-qubit Yao block of one revad gate on Yao qubits `a` and `b` (`b` is ignored for
one-qubit gates; for controlled gates `a` is the control and `b` the target). `θ` is
ignored by gates without an angle. Every two-qubit gate other than the controlled ones is
symmetric in its qubits, so its block is put on the sorted pair.
"""
function gate_block(n::Int, code::Int, a::Int, b::Int, θ::Float64)
    if code == G.x
        return put(n, a => X)
    elseif code == G.y
        return put(n, a => Y)
    elseif code == G.z
        return put(n, a => Z)
    elseif code == G.h
        return put(n, a => H)
    elseif code == G.s
        return put(n, a => ConstGate.S)
    elseif code == G.t
        return put(n, a => ConstGate.T)
    elseif code == G.rx
        return put(n, a => Rx(θ))
    elseif code == G.ry
        return put(n, a => Ry(θ))
    elseif code == G.rz
        return put(n, a => Rz(θ))
    elseif code == G.phase
        return put(n, a => shift(θ))
    elseif code == G.cnot
        return control(n, a, b => X)
    elseif code == G.cz
        return control(n, a, b => Z)
    elseif code == G.swap
        return swap(n, minmax(a, b)...)
    elseif code == G.crx
        return control(n, a, b => Rx(θ))
    elseif code == G.cry
        return control(n, a, b => Ry(θ))
    elseif code == G.crz
        return control(n, a, b => Rz(θ))
    elseif code == G.rxx
        return put(n, minmax(a, b) => rot(kron(X, X), θ))
    elseif code == G.ryy
        return put(n, minmax(a, b) => rot(kron(Y, Y), θ))
    elseif code == G.rzz
        return put(n, minmax(a, b) => rot(kron(Z, Z), θ))
    end
    throw(ArgumentError("unknown revad gate code $code"))
end

"""
    circuit_block(n, codes, q1, q2, slots, angles, theta) -> ChainBlock

The Yao circuit of an encoded revad circuit on `n` qubits. A gate with slot `s > 0` takes
the trainable angle `theta[s]`; a parametric gate with slot 0 takes its fixed angle and is
wrapped in `NoParams`. `parameters(circuit)` therefore lists exactly the gates with a
slot, in circuit order.
"""
function circuit_block(
    n::Integer,
    codes::AbstractVector{<:Integer},
    q1::AbstractVector{<:Integer},
    q2::AbstractVector{<:Integer},
    slots::AbstractVector{<:Integer},
    angles::AbstractVector{<:Real},
    theta::AbstractVector{<:Real},
)
    m = length(codes)
    if !(length(q1) == length(q2) == length(slots) == length(angles) == m)
        throw(DimensionMismatch(
            "codes, q1, q2, slots and angles must have one entry per gate",
        ))
    end
    blocks = Vector{AbstractBlock{2}}(undef, m)
    for i in 1:m
        code, slot = Int(codes[i]), Int(slots[i])
        if slot > 0 && !is_parametric(code)
            throw(ArgumentError("gate $i (code $code) takes no angle but has slot $slot"))
        end
        θ = slot > 0 ? Float64(theta[slot]) : Float64(angles[i])
        block = gate_block(Int(n), code, Int(q1[i]), Int(q2[i]), θ)
        blocks[i] = slot == 0 && is_parametric(code) ? NoParams(block) : block
    end
    return ChainBlock(Int(n), blocks)
end

"""
    block_parameters(n, codes, q1, q2, slots, angles, theta) -> Vector{Float64}

Yao's `parameters(circuit)` of the encoded circuit: the order in which `expect'` returns
its gradient (revad's Python side checks it against its own encoding).
"""
function block_parameters(n::Integer, codes, q1, q2, slots, angles, theta)
    circuit = circuit_block(n, codes, q1, q2, slots, angles, theta)
    return Vector{Float64}(parameters(circuit))
end

"""
    pauli_block(code) -> AbstractBlock

The Pauli gate with this code in `PAULI_CODES`.
"""
function pauli_block(code::Int)
    code == PAULI_CODES.X && return X
    code == PAULI_CODES.Y && return Y
    code == PAULI_CODES.Z && return Z
    throw(ArgumentError("unknown Pauli code $code"))
end

"""
    hamiltonian_block(n, coeffs, term, pauli, qubit) -> Add

`Σ_t coeffs[t] * kron(n, q => P, ...)`, where factor `k` puts Pauli `pauli[k]` on Yao qubit
`qubit[k]` in term `term[k]`. A term without factors is `coeffs[t] * igate(n)`; a
Hamiltonian without terms is zero.
"""
function hamiltonian_block(
    n::Integer,
    coeffs::AbstractVector{<:Real},
    term::AbstractVector{<:Integer},
    pauli::AbstractVector{<:Integer},
    qubit::AbstractVector{<:Integer},
)
    n = Int(n)
    factors = [Pair{Int, AbstractBlock{2}}[] for _ in eachindex(coeffs)]
    for k in eachindex(term, pauli, qubit)
        push!(factors[term[k]], Int(qubit[k]) => pauli_block(Int(pauli[k])))
    end
    blocks = Vector{AbstractBlock{2}}()
    for (c, f) in zip(coeffs, factors)
        op = isempty(f) ? igate(n) : kron(n, f...)
        push!(blocks, Float64(c) * op)
    end
    # An empty `Add` acts as the identity, so the zero Hamiltonian needs one zero term.
    isempty(blocks) && push!(blocks, 0.0 * igate(n))
    return Add(n, blocks)
end

"""
    complex_type(dtype) -> Type

`ComplexF64` for revad's `"complex128"`, `ComplexF32` for `"complex64"`.
"""
function complex_type(dtype::AbstractString)
    dtype == "complex128" && return ComplexF64
    dtype == "complex64" && return ComplexF32
    throw(ArgumentError(
        "dtype must be \"complex128\" or \"complex64\", got $(repr(dtype))",
    ))
end

"""
    gpu_zero_state(C, n)

`|0…0⟩` on the GPU. Provided by the `RevadYaoCUDAExt` extension, which loads with CUDA.jl.
"""
function gpu_zero_state(_, _)
    error(
        "device=\"cuda\" needs CUDA.jl: add it to the Julia environment and run " *
            "`using CUDA` before calling RevadYao",
    )
end

"""
    gpu_register(v)

The register of the state vector `v` on the GPU. Provided by the `RevadYaoCUDAExt`
extension, which loads with CUDA.jl.
"""
function gpu_register(_)
    error(
        "device=\"cuda\" needs CUDA.jl: add it to the Julia environment and run " *
            "`using CUDA` before calling RevadYao",
    )
end

"""
    initial_state(C, n, device, psi0=nothing) -> AbstractArrayReg

The input register with element type `C` on `device` (`"cpu"` or `"cuda"`): `|0…0⟩`
when `psi0` is `nothing`, else the state `psi0` (length `2^n`, real and imaginary parts
interleaved, so `2^(n+1)` numbers; revad's amplitude order is Yao's).
"""
function initial_state(
    ::Type{CT},
    n::Int,
    device::AbstractString,
    psi0 = nothing,
) where {CT <: Complex}
    device in ("cpu", "cuda") ||
        throw(ArgumentError("device must be \"cpu\" or \"cuda\", got $(repr(device))"))
    if psi0 === nothing
        return device == "cpu" ? zero_state(CT, n) : gpu_zero_state(CT, n)
    end
    length(psi0) == 2^(n + 1) ||
        throw(ArgumentError(
            "psi0 must hold 2^$(n + 1) interleaved numbers, got $(length(psi0))",
        ))
    v = Vector{CT}(reinterpret(ComplexF64, Vector{Float64}(psi0)))
    return device == "cpu" ? ArrayReg(v) : gpu_register(v)
end

"""
    interleaved(v) -> Vector{Float64}

A complex vector (CPU or GPU) as `[re₁, im₁, re₂, im₂, …]` in `Float64`.
"""
interleaved(v::AbstractVector) = collect(reinterpret(Float64, Vector{ComplexF64}(Array(v))))

"""
    statevector(n, codes, q1, q2, slots, angles, theta; dtype, device, psi0) -> Vector{Float64}

`ψ = U(θ)ψ0` (ψ0 = `|0…0⟩` unless `psi0` is given, see [`initial_state`]; Yao's order:
qubit 1 is the least significant bit, as in revad), real and imaginary parts interleaved.
"""
function statevector(
    n::Integer,
    codes,
    q1,
    q2,
    slots,
    angles,
    theta;
    dtype::AbstractString = "complex128",
    device::AbstractString = "cpu",
    psi0 = nothing,
)
    circuit = circuit_block(n, codes, q1, q2, slots, angles, theta)
    reg = apply!(initial_state(complex_type(dtype), Int(n), device, psi0), circuit)
    return interleaved(vec(state(reg)))
end

"""
    expectation(n, codes, q1, q2, slots, angles, theta, coeffs, term, pauli, qubit;
                dtype, device, psi0) -> Float64

`⟨ψ|H|ψ⟩` by Yao's `expect(h, reg => circuit)`.
"""
function expectation(
    n::Integer,
    codes,
    q1,
    q2,
    slots,
    angles,
    theta,
    coeffs,
    term,
    pauli,
    qubit;
    dtype::AbstractString = "complex128",
    device::AbstractString = "cpu",
    psi0 = nothing,
)
    circuit = circuit_block(n, codes, q1, q2, slots, angles, theta)
    h = hamiltonian_block(n, coeffs, term, pauli, qubit)
    reg = initial_state(complex_type(dtype), Int(n), device, psi0)
    return Float64(real(expect(h, reg => circuit)))
end

"""
    slot_gradient(slots, yao_grad, nparams) -> Vector{Float64}

Map Yao's gradient (one entry per trainable block, in `parameters(circuit)` order, which
is circuit order) back to revad's `nparams` slots, adding the entries of shared slots.
"""
function slot_gradient(
    slots::AbstractVector{<:Integer},
    yao_grad::AbstractVector,
    nparams::Integer,
)
    grad = zeros(Float64, nparams)
    k = 0
    for s in slots
        s > 0 || continue
        k += 1
        grad[s] += Float64(yao_grad[k])
    end
    if k != length(yao_grad)
        error("Yao returned $(length(yao_grad)) parameter gradients for $k trainable gates")
    end
    return grad
end

"""
    energy_and_gradient(n, codes, q1, q2, slots, angles, theta, nparams,
                        coeffs, term, pauli, qubit; dtype, device, psi0)
        -> (Float64, Vector{Float64})

Energy and gradient from one call of Yao's reversible adjoint `expect'(h, reg => circuit)`.

`expect'` returns `reg_grad => param_grad` with `reg_grad = U(θ)' (2H) U(θ)ψ0`, the
gradient with respect to the input register (`expect'` copies the register, so `reg`
still holds ψ0). Hence `⟨ψ0|reg_grad⟩ = 2E`: the energy comes for free, without a second
forward pass; from `|0…0⟩` it is the first amplitude.
"""
function energy_and_gradient(
    n::Integer,
    codes,
    q1,
    q2,
    slots,
    angles,
    theta,
    nparams::Integer,
    coeffs,
    term,
    pauli,
    qubit;
    dtype::AbstractString = "complex128",
    device::AbstractString = "cpu",
    psi0 = nothing,
)
    circuit = circuit_block(n, codes, q1, q2, slots, angles, theta)
    h = hamiltonian_block(n, coeffs, term, pauli, qubit)
    reg = initial_state(complex_type(dtype), Int(n), device, psi0)
    reg_grad, yao_grad = expect'(h, reg => circuit)
    # `[1:1]` rather than `[1]`: a range slice also works on a GPU array (no scalar indexing).
    overlap = psi0 === nothing ?
        only(Array(state(reg_grad)[1:1])) :
        sum(conj.(vec(state(reg))) .* vec(state(reg_grad)))
    energy = Float64(real(overlap)) / 2
    return energy, slot_gradient(slots, yao_grad, nparams)
end

end # module RevadYao
