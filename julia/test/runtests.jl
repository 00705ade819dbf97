# Tests of RevadYao on its own (no Python): run with
#     julia --project=julia -e 'using Pkg; Pkg.test()'
# The cross-backend suite (Yao against revad's NumPy and JAX backends) lives in
# tests/backends/test_yao_backend.py.

using LinearAlgebra
using RevadYao
using RevadYao: G, GATE_ARITY, check_arity, complex_type, gate_block, is_parametric
using Test
using Yao

const σx = ComplexF64[0 1; 1 0]
const σy = ComplexF64[0 -im; im 0]
const σz = ComplexF64[1 0; 0 -1]
const id2 = Matrix{ComplexF64}(I, 2, 2)
const P0 = ComplexF64[1 0; 0 0]
const P1 = ComplexF64[0 0; 0 1]
const PAULIS = Dict(PAULI_CODES.X => σx, PAULI_CODES.Y => σy, PAULI_CODES.Z => σz)
const LETTERS = Dict('X' => PAULI_CODES.X, 'Y' => PAULI_CODES.Y, 'Z' => PAULI_CODES.Z)

"""`exp(-iθP/2)` for `P² = I`."""
rotation(p, θ) = cos(θ / 2) * Matrix{ComplexF64}(I, size(p)...) - im * sin(θ / 2) * p
controlled(u) = kron(P0, id2) + kron(P1, u)
phase_matrix(θ) = ComplexF64[1 0; 0 exp(im * θ)]

"""The identity on `d` levels with the 2×2 matrix `u` on levels `lo` and `hi` (0-based)."""
function two_level(d, lo, hi, u)
    out = Matrix{ComplexF64}(I, d, d)
    out[[lo + 1, hi + 1], [lo + 1, hi + 1]] = u
    return out
end

"""revad's Givens rotation `exp(-iθG/2)`, `G = σy` on levels `lo`, `hi`, 0 elsewhere."""
givens(d, lo, hi, θ) = two_level(d, lo, hi, rotation(σy, θ))

"""
revad's local matrix of a registry gate (docs/conventions.md): a gate on `(q0, q1, …)` is
indexed by `k = Σ bit(q_i) << (r - 1 - i)`, the first qubit most significant, so
`kron(A, B)` puts `A` on `q0`; controlled gates have the control(s) first.
"""
function revad_local(code, θ)
    code == G.x && return σx
    code == G.y && return σy
    code == G.z && return σz
    code == G.h && return ComplexF64[1 1; 1 -1] / sqrt(2)
    code == G.s && return phase_matrix(π / 2)
    code == G.t && return phase_matrix(π / 4)
    code == G.rx && return rotation(σx, θ)
    code == G.ry && return rotation(σy, θ)
    code == G.rz && return rotation(σz, θ)
    code == G.phase && return phase_matrix(θ)
    code == G.cnot && return controlled(σx)
    code == G.cz && return controlled(σz)
    code == G.swap && return ComplexF64[1 0 0 0; 0 0 1 0; 0 1 0 0; 0 0 0 1]
    code == G.crx && return controlled(rotation(σx, θ))
    code == G.cry && return controlled(rotation(σy, θ))
    code == G.crz && return controlled(rotation(σz, θ))
    code == G.rxx && return rotation(kron(σx, σx), θ)
    code == G.ryy && return rotation(kron(σy, σy), θ)
    code == G.rzz && return rotation(kron(σz, σz), θ)
    code == G.cphase && return Matrix(Diagonal(ComplexF64[1, 1, 1, exp(im * θ)]))
    # PennyLane's SingleExcitation / DoubleExcitation: |01⟩ → cos|01⟩ + sin|10⟩, ...
    code == G.single_excitation && return givens(4, 0b01, 0b10, θ)
    code == G.double_excitation && return givens(16, 0b0011, 0b1100, θ)
    code == G.ccx && return two_level(8, 6, 7, σx)
    error("unknown code $code")
end

"""
One use of a gate: its code, Yao qubits (revad's order), the Pauli codes of a `pauli_rot`
(0 otherwise) and the matrix of a `unitary` in revad's local order (`nothing` otherwise).
"""
struct GateUse
    code::Int
    locs::Vector{Int}
    letters::Vector{Int}
    u::Union{Nothing, Matrix{ComplexF64}}
end

GateUse(code, locs) = GateUse(code, collect(locs), zeros(Int, length(locs)), nothing)
pauli_use(word, locs) = GateUse(
    G.pauli_rot,
    collect(locs),
    [LETTERS[c] for c in word],
    nothing,
)
unitary_use(u, locs) = GateUse(G.unitary, collect(locs), zeros(Int, length(locs)), u)

"""revad's local matrix of a gate use (families included)."""
function revad_local(g::GateUse, θ)
    r = length(g.locs)
    g.code == G.pauli_rot && return rotation(foldl(kron, [PAULIS[l] for l in g.letters]), θ)
    g.code == G.mcx && return two_level(2^r, 2^r - 2, 2^r - 1, σx)
    g.code == G.unitary && return g.u
    return revad_local(g.code, θ)
end

"""A fixed unitary on `k` qubits without symmetry (the Q of a QR decomposition)."""
function test_unitary(k)
    d = 2^k
    a = ComplexF64[cos(i + 2j) + im * sin(3i - j) for i in 1:d, j in 1:d]
    return Matrix(qr(a).Q)
end

"""
The `2^n` matrix of local matrix `u` on revad qubits `qs` (0-based, first one most
significant in `u`); revad qubit `q` is bit `q` of the basis index.
"""
function embed(n, u, qs)
    d = 2^n
    full = zeros(ComplexF64, d, d)
    mask = sum(1 << q for q in qs)
    local_index(x) = sum(((x >> q) & 1) << (length(qs) - j) for (j, q) in enumerate(qs))
    for x in 0:(d - 1), y in 0:(d - 1)
        (x & ~mask) == (y & ~mask) || continue
        full[x + 1, y + 1] = u[local_index(x) + 1, local_index(y) + 1]
    end
    return full
end

"""The `2^n` matrix of a gate use (revad's conventions)."""
dense(n, g::GateUse, θ) = embed(n, revad_local(g, θ), Tuple(g.locs .- 1))

"""
A unitary's matrix as revad's Python side encodes it: the same operator in Yao's order on
its qubits sorted ascending, i.e. revad's local order with the qubits sorted descending.
Built here from the dense matrix (independently of the Python code).
"""
function yao_matrix(n, g::GateUse)
    qs = g.locs .- 1
    k = length(qs)
    full = embed(n, g.u, Tuple(qs))
    desc = sort(qs; rev = true)
    index(x) = sum(((x >> (k - j)) & 1) << q for (j, q) in enumerate(desc))
    return [full[index(x) + 1, index(y) + 1] for x in 0:(2^k - 1), y in 0:(2^k - 1)]
end

"""The arrays `codes, arity, locs, letters, matrices` of these gate uses."""
function encode(n, uses)
    codes = [g.code for g in uses]
    arity = [length(g.locs) for g in uses]
    locs = reduce(vcat, [g.locs for g in uses]; init = Int[])
    letters = reduce(vcat, [g.letters for g in uses]; init = Int[])
    matrices = Float64[]
    for g in uses
        g.code == G.unitary &&
            append!(matrices, reinterpret(Float64, vec(yao_matrix(n, g))))
    end
    return codes, arity, locs, letters, matrices
end

"""Qubit orders on 4 qubits: sorted, swapped pairs, 3- and 4-cycles, reversed."""
const PATTERNS = ((1, 2, 3, 4), (3, 1, 4, 2), (2, 4, 1, 3), (4, 3, 2, 1))

"""Every gate (families with several words, arities and matrices) in several qubit orders."""
function every_gate_use()
    uses = GateUse[]
    for (name, code) in pairs(GATE_CODES), p in PATTERNS
        haskey(GATE_ARITY, name) || continue
        push!(uses, GateUse(code, p[1:GATE_ARITY[name]]))
    end
    for p in PATTERNS
        push!(uses, pauli_use("Y", p[1:1]))
        push!(uses, pauli_use("XZ", p[1:2]))
        push!(uses, pauli_use("ZYX", p[1:3]))
        push!(uses, pauli_use("XYZY", p))
        push!(uses, GateUse(G.mcx, p[1:2]))
        push!(uses, GateUse(G.mcx, p[1:3]))
        push!(uses, GateUse(G.mcx, p))
        for k in 1:3
            push!(uses, unitary_use(test_unitary(k), p[1:k]))
        end
    end
    return uses
end

"""Each gate once (qubit orders varied), then the families."""
function mixed_uses()
    uses = GateUse[]
    for (i, (name, code)) in enumerate(pairs(GATE_CODES))
        haskey(GATE_ARITY, name) || continue
        p = PATTERNS[mod1(i, length(PATTERNS))]
        push!(uses, GateUse(code, p[1:GATE_ARITY[name]]))
    end
    push!(uses, pauli_use("XYZ", (3, 1, 4)))
    push!(uses, pauli_use("Y", (2,)))
    push!(uses, GateUse(G.mcx, (2, 4, 1)))
    push!(uses, GateUse(G.mcx, (3, 1)))
    push!(uses, unitary_use(test_unitary(3), (2, 4, 1)))
    push!(uses, unitary_use(test_unitary(2), (4, 2)))
    push!(uses, unitary_use(test_unitary(1), (3,)))
    push!(uses, pauli_use("ZX", (4, 2)))
    return uses
end

"""
A circuit on 4 qubits that uses every gate, shared slots and fixed angles: `n`, the
circuit arrays `(codes, arity, locs, letters, slots, angles, matrices)`, the number of
parameters and the gate uses.
"""
function mixed_circuit()
    n = 4
    uses = mixed_uses()
    codes, arity, locs, letters, matrices = encode(n, uses)
    slots = Int[]
    angles = Float64[]
    nparams = 0
    for (i, g) in enumerate(uses)
        if !is_parametric(g.code)
            push!(slots, 0)
            push!(angles, 0.0)
        elseif i % 5 == 0
            push!(slots, 0) # fixed angle
            push!(angles, 0.1 * i)
        elseif i % 4 == 0 && nparams > 0
            push!(slots, 1) # shares slot 1
            push!(angles, 0.0)
        else
            nparams += 1
            push!(slots, nparams)
            push!(angles, 0.0)
        end
    end
    return n, (codes, arity, locs, letters, slots, angles, matrices), nparams, uses
end

"""The dense unitary of gate uses with these slots and fixed angles at parameters `theta`."""
function dense_circuit(n, uses, slots, angles, theta)
    u = Matrix{ComplexF64}(I, 2^n, 2^n)
    for (g, s, α) in zip(uses, slots, angles)
        u = dense(n, g, s > 0 ? theta[s] : α) * u
    end
    return u
end

"""A Hamiltonian with X, Y, Z factors and an identity term (Yao qubits, up to 4)."""
function mixed_hamiltonian()
    coeffs = [0.5, -1.0, 0.3, 0.7, 0.4]
    term = [1, 1, 2, 3, 3, 3, 5, 5]
    pauli = [
        PAULI_CODES.Z,
        PAULI_CODES.Z,
        PAULI_CODES.X,
        PAULI_CODES.X,
        PAULI_CODES.Y,
        PAULI_CODES.Z,
        PAULI_CODES.Z,
        PAULI_CODES.X,
    ]
    qubit = [1, 2, 3, 1, 2, 3, 2, 4]
    # term 4 has no factor: 0.7 * identity
    return coeffs, term, pauli, qubit
end

function dense_hamiltonian(n, coeffs, term, pauli, qubit)
    h = zeros(ComplexF64, 2^n, 2^n)
    for (t, c) in enumerate(coeffs)
        ops = fill(id2, n)
        for k in eachindex(term)
            term[k] == t && (ops[qubit[k]] = PAULIS[pauli[k]])
        end
        h += c * foldl(kron, reverse(ops)) # Yao qubit 1 is the least significant bit
    end
    return h
end

"""Central finite differences of `f` at `theta`."""
function finite_difference(f, theta; δ = 1.0e-6)
    return [
        (f(theta + δ * e) - f(theta - δ * e)) / 2δ
        for e in eachcol(Matrix{Float64}(I, length(theta), length(theta)))
    ]
end

@testset "RevadYao" begin
    @testset "gate codes and arities" begin
        @test collect(values(GATE_CODES)) == 1:length(GATE_CODES)
        @test check_arity(G.pauli_rot, 5) === nothing
        @test check_arity(G.double_excitation, 4) === nothing
        @test_throws ArgumentError check_arity(G.cnot, 3)
        @test_throws ArgumentError check_arity(G.double_excitation, 3)
        @test_throws ArgumentError check_arity(G.mcx, 1)
        @test_throws ArgumentError check_arity(G.unitary, 4)
        @test_throws ArgumentError check_arity(99, 1)
    end

    @testset "every gate has revad's matrix" begin
        n = 4
        θ = 0.37
        for g in every_gate_use()
            matrix = g.code == G.unitary ? yao_matrix(n, g) : nothing
            block = gate_block(n, g.code, Tuple(g.locs), Tuple(g.letters), matrix, θ)
            @test Matrix(mat(block)) ≈ dense(n, g, θ) atol = 1.0e-12
        end
    end

    @testset "complex_type" begin
        @test complex_type("complex128") === ComplexF64
        @test complex_type("complex64") === ComplexF32
        @test_throws ArgumentError complex_type("float64")
    end

    @testset "parameters follow the slots; fixed angles are not trainable" begin
        n, circuit, nparams, _ = mixed_circuit()
        codes, slots = circuit[1], circuit[5]
        theta = collect(range(0.2, 1.3; length = nparams))
        c = circuit_block(n, circuit..., theta)
        trainable = filter(>(0), slots)
        @test nparameters(c) == length(trainable)
        @test parameters(c) ≈ theta[trainable]
        @test block_parameters(n, circuit..., theta) ≈ theta[trainable]
        @test any(s == 0 && is_parametric(k) for (s, k) in zip(slots, codes))
        none = Float64[]
        # (error, (codes, arity, locs, letters, slots, angles, matrices), theta):
        # a slot on a gate without angle, a wrong arity, locs and arity disagreeing,
        # too few numbers for a unitary, numbers left over
        bad = [
            (ArgumentError, ([G.x], [1], [1], [0], [1], [0.0], none), [0.1]),
            (ArgumentError, ([G.cnot], [1], [1], [0], [0], [0.0], none), none),
            (DimensionMismatch, ([G.x], [1], [1, 2], [0, 0], [0], [0.0], none), none),
            (DimensionMismatch, ([G.unitary], [1], [1], [0], [0], [0.0], zeros(7)), none),
            (DimensionMismatch, ([G.x], [1], [1], [0], [0], [0.0], zeros(8)), none),
        ]
        for (err, arrays, t) in bad
            @test_throws err circuit_block(n, arrays..., t)
        end
        @test_throws ArgumentError gate_block(n, 99, (1, 2), (0, 0), nothing, 0.0)
    end

    @testset "slot_gradient adds shared slots" begin
        @test slot_gradient([1, 0, 2, 1], [0.5, 1.0, 0.25], 2) == [0.75, 1.0]
        @test_throws ErrorException slot_gradient([1, 0], [0.5, 1.0], 1)
    end

    @testset "hamiltonian_block" begin
        coeffs, term, pauli, qubit = mixed_hamiltonian()
        h = hamiltonian_block(4, coeffs, term, pauli, qubit)
        @test Matrix(mat(h)) ≈ dense_hamiltonian(4, coeffs, term, pauli, qubit)
        zero_h = hamiltonian_block(2, Float64[], Int[], Int[], Int[])
        @test Matrix(mat(zero_h)) ≈ zeros(4, 4)
        # revad's heisenberg(n) as encoded by Python equals Yao's EasyBuild.heisenberg(n)
        n = 4
        bonds = [(i, mod1(i + 1, n)) for i in 1:n]
        hcoeffs = ones(3n)
        hterm = repeat(1:(3n); inner = 2)
        hpauli = repeat([1, 1, 2, 2, 3, 3], n)
        hqubit = reduce(vcat, [[i, j, i, j, i, j] for (i, j) in bonds])
        hb = hamiltonian_block(n, hcoeffs, hterm, hpauli, hqubit)
        @test Matrix(mat(hb)) ≈ Matrix(mat(EasyBuild.heisenberg(n)))
    end

    @testset "statevector and expectation" begin
        n, circuit, nparams, uses = mixed_circuit()
        theta = collect(range(-0.4, 0.9; length = nparams))
        coeffs, term, pauli, qubit = mixed_hamiltonian()
        ψ = reinterpret(ComplexF64, statevector(n, circuit..., theta))
        u = dense_circuit(n, uses, circuit[5], circuit[6], theta)
        @test ψ ≈ u[:, 1] atol = 1.0e-12
        hmat = dense_hamiltonian(n, coeffs, term, pauli, qubit)
        e = expectation(n, circuit..., theta, coeffs, term, pauli, qubit)
        @test e ≈ real(ψ' * hmat * ψ) atol = 1.0e-12
        ψ32 = reinterpret(
            ComplexF64,
            statevector(n, circuit..., theta; dtype = "complex64"),
        )
        @test ψ32 ≈ ψ atol = 1.0e-5
    end

    @testset "energy_and_gradient against expect and finite differences" begin
        n, circuit, nparams, _ = mixed_circuit()
        theta = collect(range(0.3, -1.1; length = nparams))
        args = mixed_hamiltonian()
        energy(t) = expectation(n, circuit..., t, args...)
        e, g = energy_and_gradient(n, circuit..., theta, nparams, args...)
        @test e ≈ energy(theta) atol = 1.0e-12
        @test length(g) == nparams
        @test g ≈ finite_difference(energy, theta) atol = 1.0e-7
        e32, g32 = energy_and_gradient(
            n,
            circuit...,
            theta,
            nparams,
            args...;
            dtype = "complex64",
        )
        @test e32 ≈ e atol = 1.0e-5
        @test g32 ≈ g atol = 1.0e-4
    end

    @testset "every parametric gate: exact gradient; with a fixed angle, not trainable" begin
        n = 4
        args = mixed_hamiltonian()
        layer = [GateUse(G.ry, (q,)) for q in 1:n]
        for g in every_gate_use()
            is_parametric(g.code) || continue
            uses = [layer; g; layer]
            codes, arity, locs, letters, matrices = encode(n, uses)
            for fixed in (false, true)
                slots = collect(1:length(uses))
                angles = zeros(length(uses))
                if fixed
                    slots[n + 1] = 0
                    angles[n + 1] = 0.77
                    slots[(n + 2):end] .-= 1
                end
                nparams = maximum(slots)
                theta = collect(range(-1.2, 0.8; length = nparams))
                circuit = (codes, arity, locs, letters, slots, angles, matrices)
                energy(t) = expectation(n, circuit..., t, args...)
                e, grad = energy_and_gradient(n, circuit..., theta, nparams, args...)
                @test e ≈ energy(theta) atol = 1.0e-12
                @test grad ≈ finite_difference(energy, theta) atol = 1.0e-7
                @test length(block_parameters(n, circuit..., theta)) == nparams
                ψ = reinterpret(ComplexF64, statevector(n, circuit..., theta))
                @test ψ ≈ dense_circuit(n, uses, slots, angles, theta)[:, 1] atol = 1.0e-12
            end
        end
    end

    @testset "psi0: statevector, expectation and gradient from a given state" begin
        n, circuit, nparams, uses = mixed_circuit()
        theta = collect(range(-0.7, 0.5; length = nparams))
        args = mixed_hamiltonian()
        ψ0 = normalize(ComplexF64[cos(k) + im * sin(2k) for k in 1:(2^n)])
        interleaved0 = collect(reinterpret(Float64, ψ0))
        u = dense_circuit(n, uses, circuit[5], circuit[6], theta)
        ψ = reinterpret(ComplexF64, statevector(n, circuit..., theta; psi0 = interleaved0))
        @test ψ ≈ u * ψ0 atol = 1.0e-12
        hmat = dense_hamiltonian(n, args...)
        energy(t) = expectation(n, circuit..., t, args...; psi0 = interleaved0)
        @test energy(theta) ≈ real(ψ' * hmat * ψ) atol = 1.0e-12
        e, g = energy_and_gradient(
            n,
            circuit...,
            theta,
            nparams,
            args...;
            psi0 = interleaved0,
        )
        @test e ≈ energy(theta) atol = 1.0e-12
        @test g ≈ finite_difference(energy, theta) atol = 1.0e-7
        @test_throws ArgumentError statevector(n, circuit..., theta; psi0 = [1.0, 0.0])
    end

    @testset "device" begin
        @test_throws ArgumentError statevector(
            1,
            [G.x],
            [1],
            [1],
            [0],
            [0],
            [0.0],
            Float64[],
            Float64[];
            device = "tpu",
        )
    end
end
