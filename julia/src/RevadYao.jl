"""
    RevadYao

The Yao.jl backend of revad. revad (Python, `revad/backends/yao_encoding.py`) encodes a
circuit of `m` gates as arrays:

- `codes` (`m`): gate codes (`GATE_CODES`);
- `arity` (`m`): how many qubits each gate acts on;
- `locs` (`sum(arity)`): the gates' Yao qubits (1-based), gate after gate, each gate's in
  revad's order (controls first, target last);
- `letters` (parallel to `locs`): for `pauli_rot`, the Pauli code (`PAULI_CODES`) of the
  word's letter on that qubit; 0 otherwise;
- `slots` (`m`): trainable parameter slot (1-based; 0 when the gate has none or a fixed
  angle); `angles` (`m`): the fixed angle;
- `matrices`: the matrices of the `unitary` gates, in circuit order, each `2^r × 2^r`
  for `r` qubits in Yao's order on its qubits sorted ascending (local bit `j` on the
  `j`-th lowest qubit), column-major, real and imaginary parts interleaved.

A Hamiltonian comes as real coefficients plus one entry per Pauli factor: its term
(1-based), its Pauli (`PAULI_CODES`) and its Yao qubit.

Conventions match revad's (docs/conventions.md): Yao qubit `q` is revad qubit `q - 1`, qubit 1 is
the least significant bit of the basis index, `Rx(θ) = exp(-iθX/2)`,
`rot(kron(X, X), θ) = exp(-iθ X⊗X/2)`, and revad's `phase(θ)` is Yao's `shift(θ)`. revad's
local matrices have the gate's first qubit most significant; Yao's `put(n, locs => G)`
puts `G`'s local qubit `j` (bit `j - 1` of its index) on `locs[j]`.

Gradients come from Yao's reversible adjoint, `expect'(h, reg => circuit)`, one entry per
trainable block in `parameters(circuit)` order; `slot_gradient` adds them into revad's
slots. Every gate's block holds its angle once, in a block Yao's adjoint differentiates
exactly (`Rotor`, or `PutBlock`/`ControlBlock` of a rotation or `shift` through
`mat_back!`). Gates with a fixed angle are wrapped in `NoParams`, so they are not
trainable and never appear in `parameters(circuit)` or in the gradient.
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
Codes of revad's gates: the registry gates, then the gate families `pauli_rot`, `mcx` and
`unitary`. `revad/backends/yao_encoding.py` holds the same table, and a Python test checks
that both agree.
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
    cphase = 20,
    single_excitation = 21,
    double_excitation = 22,
    ccx = 23,
    pauli_rot = 24,
    mcx = 25,
    unitary = 26,
)

"""
How many qubits each registry gate acts on (revad's `GATES[name].n_qubits`; a Python test
checks). The families take any number: `pauli_rot` one or more, `mcx` two or more,
`unitary` 1 to `UNITARY_MAX_QUBITS`.
"""
const GATE_ARITY = (
    x = 1,
    y = 1,
    z = 1,
    h = 1,
    s = 1,
    t = 1,
    rx = 1,
    ry = 1,
    rz = 1,
    phase = 1,
    cnot = 2,
    cz = 2,
    swap = 2,
    crx = 2,
    cry = 2,
    crz = 2,
    rxx = 2,
    ryy = 2,
    rzz = 2,
    cphase = 2,
    single_excitation = 2,
    double_excitation = 4,
    ccx = 3,
)

"""The most qubits a `unitary` gate acts on (revad's `UNITARY_MAX_QUBITS`)."""
const UNITARY_MAX_QUBITS = 3

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
    G.cphase,
    G.single_excitation,
    G.double_excitation,
    G.pauli_rot,
)

"""
    is_parametric(code) -> Bool

Whether the gate with this code takes an angle.
"""
is_parametric(code::Integer) = code in PARAMETRIC_CODES

"""
    gate_name(code) -> Symbol

The name of the gate with this code in `GATE_CODES` (an `ArgumentError` for an unknown code).
"""
function gate_name(code::Integer)
    for (name, c) in pairs(GATE_CODES)
        c == code && return name
    end
    throw(ArgumentError("unknown revad gate code $code"))
end

"""
    check_arity(code, k)

Throw an `ArgumentError` unless the gate with this code can act on `k` qubits.
"""
function check_arity(code::Integer, k::Integer)
    name = gate_name(code)
    ok = if code == G.pauli_rot
        k >= 1
    elseif code == G.mcx
        k >= 2
    elseif code == G.unitary
        1 <= k <= UNITARY_MAX_QUBITS
    else
        k == GATE_ARITY[name]
    end
    ok || throw(ArgumentError("gate $name (code $code) cannot act on $k qubit(s)"))
    return nothing
end

"""
    fanout(n, a, targets) -> ChainBlock

CNOTs from Yao qubit `a` onto each qubit of `targets` (a self-inverse block).
"""
fanout(n::Int, a::Int, targets) = chain(n, [cnot(n, a, t) for t in targets])

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
    pauli_rotation(n, locs, letters, θ) -> PutBlock

`exp(-iθP/2)` for the Pauli string `P` with Pauli `letters[k]` (`PAULI_CODES`) on Yao
qubit `locs[k]`: `put(n, sorted_locs => rot(kron(P₁, P₂, …), θ))`, each letter moved with
its qubit (factors on different qubits commute, so the string is the same operator).
`rot(G, θ) = cos(θ/2) I - i sin(θ/2) G` is `exp(-iθG/2)` because a Pauli string squares
to the identity (Yao's `RotationGate` checks that `G` is Hermitian and reflexive); its
gradient is Yao's `Rotor` rule.
"""
function pauli_rotation(n::Int, locs::Tuple, letters::Tuple, θ::Float64)
    order = sortperm(collect(locs))
    factors = [pauli_block(Int(letters[k])) for k in order]
    word = length(factors) == 1 ? only(factors) : kron(factors...)
    return put(n, Tuple(locs[k] for k in order) => rot(word, θ))
end

"""
    gate_block(n, code, locs, letters, matrix, θ) -> AbstractBlock

The `n`-qubit Yao block of one revad gate on Yao qubits `locs` (revad's order: for
controlled gates the controls first; `a`, `b`, `c`, `d` below are `locs[1]`, ...).
`letters` are the Pauli codes of a `pauli_rot` (ignored otherwise), `matrix` the matrix of
a `unitary` in Yao's order on the sorted `locs` (`nothing` otherwise); `θ` is ignored by
gates without an angle.

The uncontrolled two-qubit rotations are symmetric in their qubits, so their block is put
on the sorted pair. `single_excitation` and `double_excitation` are Givens rotations
`exp(-iθG/2)` with `G = Y` on two basis states (`G² ≠ I`, so not a `rot`): CNOTs from `a`
map the pair to the two states of qubit `a` with the other qubits fixed, a controlled
`Ry(θ)` rotates them, and the same CNOTs map them back. The angle appears once, in a
`ControlBlock` of `Ry` (differentiated exactly, as for `cry`).
"""
function gate_block(n::Int, code::Int, locs::Tuple, letters::Tuple, matrix, θ::Float64)
    check_arity(code, length(locs))
    a = locs[1]
    b = length(locs) >= 2 ? locs[2] : 0
    c = length(locs) >= 3 ? locs[3] : 0
    d = length(locs) >= 4 ? locs[4] : 0
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
    elseif code == G.cphase
        return control(n, a, b => shift(θ))
    elseif code == G.single_excitation
        return chain(n, cnot(n, a, b), control(n, b, a => Ry(θ)), cnot(n, a, b))
    elseif code == G.double_excitation
        return chain(
            n,
            fanout(n, a, (b, c, d)),
            control(n, (-b, c, d), a => Ry(θ)),
            fanout(n, a, (b, c, d)),
        )
    elseif code == G.ccx
        return control(n, (a, b), c => X)
    elseif code == G.pauli_rot
        return pauli_rotation(n, locs, letters, θ)
    elseif code == G.mcx
        return control(n, locs[1:(end - 1)], locs[end] => X)
    elseif code == G.unitary
        return put(n, Tuple(sort!(collect(locs))) => matblock(matrix))
    end
    throw(ArgumentError("unknown revad gate code $code"))
end

"""
    unitary_matrix(T, matrices, offset, k) -> (Matrix{T}, offset)

The `2^k × 2^k` matrix that starts after the first `offset` numbers of `matrices`
(column-major, real and imaginary parts interleaved: `2 · 4^k` numbers), with element type
`T`, and the offset past it.
"""
function unitary_matrix(
    ::Type{T},
    matrices::AbstractVector{<:Real},
    offset::Int,
    k::Int,
) where {T <: Complex}
    dim = 2^k
    len = 2 * dim^2
    if offset + len > length(matrices)
        throw(DimensionMismatch(
            "matrices holds $(length(matrices)) numbers, too few for the unitary gates",
        ))
    end
    flat = Vector{Float64}(matrices[(offset + 1):(offset + len)])
    u = reshape(reinterpret(ComplexF64, flat), dim, dim)
    return Matrix{T}(u), offset + len
end

"""
    circuit_block(n, codes, arity, locs, letters, slots, angles, matrices, theta; T) -> ChainBlock

The Yao circuit of an encoded revad circuit on `n` qubits (see the module docstring for the
arrays). A gate with slot `s > 0` takes the trainable angle `theta[s]`; a parametric gate
with slot 0 takes its fixed angle and is wrapped in `NoParams`. `parameters(circuit)`
therefore lists exactly the gates with a slot, in circuit order. The matrices of `unitary`
gates get element type `T` (the register's).
"""
function circuit_block(
    n::Integer,
    codes::AbstractVector{<:Integer},
    arity::AbstractVector{<:Integer},
    locs::AbstractVector{<:Integer},
    letters::AbstractVector{<:Integer},
    slots::AbstractVector{<:Integer},
    angles::AbstractVector{<:Real},
    matrices::AbstractVector{<:Real},
    theta::AbstractVector{<:Real};
    T::Type{<:Complex} = ComplexF64,
)
    m = length(codes)
    if !(length(arity) == length(slots) == length(angles) == m)
        throw(DimensionMismatch(
            "codes, arity, slots and angles must have one entry per gate",
        ))
    end
    if !(length(locs) == length(letters) == sum(arity; init = 0))
        throw(DimensionMismatch(
            "locs and letters must have one entry per qubit of each gate (sum(arity))",
        ))
    end
    blocks = Vector{AbstractBlock{2}}(undef, m)
    used = 0   # entries of locs and letters taken by the gates so far
    offset = 0 # numbers of matrices taken so far
    for i in 1:m
        code, k, slot = Int(codes[i]), Int(arity[i]), Int(slots[i])
        if slot > 0 && !is_parametric(code)
            throw(ArgumentError("gate $i (code $code) takes no angle but has slot $slot"))
        end
        start = used
        gate_locs = ntuple(j -> Int(locs[start + j]), k)
        gate_letters = ntuple(j -> Int(letters[start + j]), k)
        used += k
        matrix = nothing
        if code == G.unitary
            matrix, offset = unitary_matrix(T, matrices, offset, k)
        end
        θ = slot > 0 ? Float64(theta[slot]) : Float64(angles[i])
        block = gate_block(Int(n), code, gate_locs, gate_letters, matrix, θ)
        blocks[i] = slot == 0 && is_parametric(code) ? NoParams(block) : block
    end
    if offset != length(matrices)
        throw(DimensionMismatch(
            "matrices holds $(length(matrices)) numbers, the unitary gates use $offset",
        ))
    end
    return ChainBlock(Int(n), blocks)
end

"""
    block_parameters(n, codes, arity, locs, letters, slots, angles, matrices, theta)
        -> Vector{Float64}

Yao's `parameters(circuit)` of the encoded circuit: the order in which `expect'` returns
its gradient (revad's Python side checks it against its own encoding).
"""
function block_parameters(
    n::Integer,
    codes,
    arity,
    locs,
    letters,
    slots,
    angles,
    matrices,
    theta,
)
    circuit = circuit_block(n, codes, arity, locs, letters, slots, angles, matrices, theta)
    return Vector{Float64}(parameters(circuit))
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
    register_and_circuit(n, circuit_args, dtype, device, psi0) -> (register, circuit)

The input register ([`initial_state`]) and the circuit ([`circuit_block`], built from
`circuit_args` = `(codes, arity, locs, letters, slots, angles, matrices, theta)`) with
the element type of `dtype`: what every entry point below starts from.
"""
function register_and_circuit(n::Integer, circuit_args, dtype, device, psi0)
    CT = complex_type(dtype)
    circuit = circuit_block(n, circuit_args...; T = CT)
    return initial_state(CT, Int(n), device, psi0), circuit
end

"""
    statevector(n, codes, arity, locs, letters, slots, angles, matrices, theta;
                dtype, device, psi0) -> Vector{Float64}

`ψ = U(θ)ψ0` (ψ0 = `|0…0⟩` unless `psi0` is given, see [`initial_state`]; Yao's order:
qubit 1 is the least significant bit, as in revad), real and imaginary parts interleaved.
"""
function statevector(
    n::Integer,
    codes,
    arity,
    locs,
    letters,
    slots,
    angles,
    matrices,
    theta;
    dtype::AbstractString = "complex128",
    device::AbstractString = "cpu",
    psi0 = nothing,
)
    reg, circuit = register_and_circuit(
        n,
        (codes, arity, locs, letters, slots, angles, matrices, theta),
        dtype,
        device,
        psi0,
    )
    return interleaved(vec(state(apply!(reg, circuit))))
end

"""
    expectation(n, codes, arity, locs, letters, slots, angles, matrices, theta,
                coeffs, term, pauli, qubit; dtype, device, psi0) -> Float64

`⟨ψ|H|ψ⟩` by Yao's `expect(h, reg => circuit)`.
"""
function expectation(
    n::Integer,
    codes,
    arity,
    locs,
    letters,
    slots,
    angles,
    matrices,
    theta,
    coeffs,
    term,
    pauli,
    qubit;
    dtype::AbstractString = "complex128",
    device::AbstractString = "cpu",
    psi0 = nothing,
)
    reg, circuit = register_and_circuit(
        n,
        (codes, arity, locs, letters, slots, angles, matrices, theta),
        dtype,
        device,
        psi0,
    )
    h = hamiltonian_block(n, coeffs, term, pauli, qubit)
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
    energy_and_gradient(n, codes, arity, locs, letters, slots, angles, matrices, theta,
                        nparams, coeffs, term, pauli, qubit; dtype, device, psi0)
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
    arity,
    locs,
    letters,
    slots,
    angles,
    matrices,
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
    reg, circuit = register_and_circuit(
        n,
        (codes, arity, locs, letters, slots, angles, matrices, theta),
        dtype,
        device,
        psi0,
    )
    h = hamiltonian_block(n, coeffs, term, pauli, qubit)
    reg_grad, yao_grad = expect'(h, reg => circuit)
    # `[1:1]` rather than `[1]`: a range slice also works on a GPU array (no scalar indexing).
    overlap = psi0 === nothing ?
        only(Array(state(reg_grad)[1:1])) :
        sum(conj.(vec(state(reg))) .* vec(state(reg_grad)))
    energy = Float64(real(overlap)) / 2
    return energy, slot_gradient(slots, yao_grad, nparams)
end

end # module RevadYao
