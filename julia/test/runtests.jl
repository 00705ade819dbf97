# Tests of RevadYao on its own (no Python): run with
#     julia --project=julia -e 'using Pkg; Pkg.test()'
# The cross-backend suite (Yao against revad's NumPy and JAX backends) lives in
# tests/backends/test_yao_backend.py.

using LinearAlgebra
using RevadYao
using RevadYao: G, complex_type, gate_block, is_parametric
using Test
using Yao

const σx = ComplexF64[0 1; 1 0]
const σy = ComplexF64[0 -im; im 0]
const σz = ComplexF64[1 0; 0 -1]
const id2 = Matrix{ComplexF64}(I, 2, 2)
const P0 = ComplexF64[1 0; 0 0]
const P1 = ComplexF64[0 0; 0 1]

rotation(p, θ) = cos(θ / 2) * Matrix{ComplexF64}(I, size(p)...) - im * sin(θ / 2) * p
controlled(u) = kron(P0, id2) + kron(P1, u)
phase_matrix(θ) = ComplexF64[1 0; 0 exp(im * θ)]

"""
revad's local matrix of a gate (docs/conventions.md): a two-qubit gate on `(q0, q1)` is indexed by
`k = 2 * bit(q0) + bit(q1)`, so `kron(A, B)` puts `A` on `q0`; controlled gates have the
control first.
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
    error("unknown code $code")
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

"""A circuit that uses every gate, shared slots and fixed angles (Yao qubits)."""
function mixed_circuit()
    codes = Int[]
    q1 = Int[]
    q2 = Int[]
    slots = Int[]
    angles = Float64[]
    nparams = 0
    for (i, code) in enumerate(values(GATE_CODES))
        a = mod1(i, 3)
        b = mod1(i + 1 + i % 2, 3)
        b == a && (b = mod1(a + 1, 3))
        push!(codes, code)
        push!(q1, a)
        push!(q2, code >= G.cnot ? b : 0)
        if !is_parametric(code)
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
    return 3, codes, q1, q2, slots, angles, nparams
end

"""A Hamiltonian with X, Y, Z factors and an identity term (Yao qubits)."""
function mixed_hamiltonian()
    coeffs = [0.5, -1.0, 0.3, 0.7]
    term = [1, 1, 2, 3, 3, 3]
    pauli = [
        PAULI_CODES.Z,
        PAULI_CODES.Z,
        PAULI_CODES.X,
        PAULI_CODES.X,
        PAULI_CODES.Y,
        PAULI_CODES.Z,
    ]
    qubit = [1, 2, 3, 1, 2, 3]
    # term 4 has no factor: 0.7 * identity
    return coeffs, term, pauli, qubit
end

function dense_hamiltonian(n, coeffs, term, pauli, qubit)
    paulis = (σx, σy, σz)
    h = zeros(ComplexF64, 2^n, 2^n)
    for (t, c) in enumerate(coeffs)
        ops = fill(id2, n)
        for k in eachindex(term)
            term[k] == t && (ops[qubit[k]] = paulis[pauli[k]])
        end
        h += c * foldl(kron, reverse(ops)) # Yao qubit 1 is the least significant bit
    end
    return h
end

@testset "RevadYao" begin
    @testset "every gate has revad's matrix" begin
        n = 3
        for code in values(GATE_CODES), (a, b) in ((1, 2), (3, 1), (2, 3))
            θ = 0.37
            block = gate_block(n, code, a, b, θ)
            qs = code >= G.cnot ? (a - 1, b - 1) : (a - 1,)
            @test Matrix(mat(block)) ≈ embed(n, revad_local(code, θ), qs) atol = 1.0e-12
        end
    end

    @testset "complex_type" begin
        @test complex_type("complex128") === ComplexF64
        @test complex_type("complex64") === ComplexF32
        @test_throws ArgumentError complex_type("float64")
    end

    @testset "parameters follow the slots; fixed angles are not trainable" begin
        n, codes, q1, q2, slots, angles, nparams = mixed_circuit()
        theta = collect(range(0.2, 1.3; length = nparams))
        c = circuit_block(n, codes, q1, q2, slots, angles, theta)
        trainable = filter(>(0), slots)
        @test nparameters(c) == length(trainable)
        @test parameters(c) ≈ theta[trainable]
        @test any(s == 0 && is_parametric(k) for (s, k) in zip(slots, codes))
        @test_throws ArgumentError circuit_block(n, [G.x], [1], [0], [1], [0.0], [0.1])
        @test_throws ArgumentError gate_block(n, 99, 1, 2, 0.0)
    end

    @testset "slot_gradient adds shared slots" begin
        @test slot_gradient([1, 0, 2, 1], [0.5, 1.0, 0.25], 2) == [0.75, 1.0]
        @test_throws ErrorException slot_gradient([1, 0], [0.5, 1.0], 1)
    end

    @testset "hamiltonian_block" begin
        coeffs, term, pauli, qubit = mixed_hamiltonian()
        h = hamiltonian_block(3, coeffs, term, pauli, qubit)
        @test Matrix(mat(h)) ≈ dense_hamiltonian(3, coeffs, term, pauli, qubit)
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
        n, codes, q1, q2, slots, angles, nparams = mixed_circuit()
        theta = collect(range(-0.4, 0.9; length = nparams))
        coeffs, term, pauli, qubit = mixed_hamiltonian()
        ψ = reinterpret(ComplexF64, statevector(n, codes, q1, q2, slots, angles, theta))
        u = Matrix{ComplexF64}(I, 2^n, 2^n)
        for i in eachindex(codes)
            θ = slots[i] > 0 ? theta[slots[i]] : angles[i]
            qs = codes[i] >= G.cnot ? (q1[i] - 1, q2[i] - 1) : (q1[i] - 1,)
            u = embed(n, revad_local(codes[i], θ), qs) * u
        end
        @test ψ ≈ u[:, 1] atol = 1.0e-12
        hmat = dense_hamiltonian(n, coeffs, term, pauli, qubit)
        e = expectation(n, codes, q1, q2, slots, angles, theta, coeffs, term, pauli, qubit)
        @test e ≈ real(ψ' * hmat * ψ) atol = 1.0e-12
        ψ32 = reinterpret(
            ComplexF64,
            statevector(n, codes, q1, q2, slots, angles, theta; dtype = "complex64"),
        )
        @test ψ32 ≈ ψ atol = 1.0e-5
    end

    @testset "energy_and_gradient against expect and finite differences" begin
        n, codes, q1, q2, slots, angles, nparams = mixed_circuit()
        theta = collect(range(0.3, -1.1; length = nparams))
        coeffs, term, pauli, qubit = mixed_hamiltonian()
        args = (coeffs, term, pauli, qubit)
        energy(t) = expectation(n, codes, q1, q2, slots, angles, t, args...)
        e, g = energy_and_gradient(n, codes, q1, q2, slots, angles, theta, nparams, args...)
        @test e ≈ energy(theta) atol = 1.0e-12
        @test length(g) == nparams
        δ = 1.0e-6
        for k in 1:nparams
            tp = copy(theta)
            tm = copy(theta)
            tp[k] += δ
            tm[k] -= δ
            @test g[k] ≈ (energy(tp) - energy(tm)) / 2δ atol = 1.0e-7
        end
        e32, g32 = energy_and_gradient(
            n,
            codes,
            q1,
            q2,
            slots,
            angles,
            theta,
            nparams,
            args...;
            dtype = "complex64",
        )
        @test e32 ≈ e atol = 1.0e-5
        @test g32 ≈ g atol = 1.0e-4
    end

    @testset "psi0: statevector, expectation and gradient from a given state" begin
        n, codes, q1, q2, slots, angles, nparams = mixed_circuit()
        theta = collect(range(-0.7, 0.5; length = nparams))
        coeffs, term, pauli, qubit = mixed_hamiltonian()
        args = (coeffs, term, pauli, qubit)
        ψ0 = normalize(ComplexF64[cos(k) + im * sin(2k) for k in 1:(2^n)])
        interleaved0 = collect(reinterpret(Float64, ψ0))
        circuit = (n, codes, q1, q2, slots, angles)
        u = Matrix{ComplexF64}(I, 2^n, 2^n)
        for i in eachindex(codes)
            θ = slots[i] > 0 ? theta[slots[i]] : angles[i]
            qs = codes[i] >= G.cnot ? (q1[i] - 1, q2[i] - 1) : (q1[i] - 1,)
            u = embed(n, revad_local(codes[i], θ), qs) * u
        end
        ψ = reinterpret(ComplexF64, statevector(circuit..., theta; psi0 = interleaved0))
        @test ψ ≈ u * ψ0 atol = 1.0e-12
        hmat = dense_hamiltonian(n, coeffs, term, pauli, qubit)
        energy(t) = expectation(circuit..., t, args...; psi0 = interleaved0)
        @test energy(theta) ≈ real(ψ' * hmat * ψ) atol = 1.0e-12
        e, g = energy_and_gradient(circuit..., theta, nparams, args...; psi0 = interleaved0)
        @test e ≈ energy(theta) atol = 1.0e-12
        δ = 1.0e-6
        for k in 1:nparams
            tp = copy(theta)
            tm = copy(theta)
            tp[k] += δ
            tm[k] -= δ
            @test g[k] ≈ (energy(tp) - energy(tm)) / 2δ atol = 1.0e-7
        end
        @test_throws ArgumentError statevector(circuit..., theta; psi0 = [1.0, 0.0])
    end

    @testset "device" begin
        @test_throws ArgumentError statevector(
            1,
            [G.x],
            [1],
            [0],
            [0],
            [0.0],
            Float64[];
            device = "tpu",
        )
    end
end
