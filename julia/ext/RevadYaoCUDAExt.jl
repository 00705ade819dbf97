"""
    RevadYaoCUDAExt

Loads with CUDA.jl and gives RevadYao a GPU register: `device = "cuda"` then starts from
Yao's `cuzero_state`, or from a given state copied to a `CuArray` (Yao's own CUDA
extension supplies the GPU kernels).
"""
module RevadYaoCUDAExt

using CUDA: CUDA
using RevadYao: RevadYao
using Yao: ArrayReg, cuzero_state

function RevadYao.gpu_zero_state(::Type{CT}, n::Int) where {CT <: Complex}
    CUDA.functional() || error("CUDA.jl is loaded but finds no working GPU")
    return cuzero_state(CT, n)
end

function RevadYao.gpu_register(v::AbstractVector{<:Complex})
    CUDA.functional() || error("CUDA.jl is loaded but finds no working GPU")
    return ArrayReg(CUDA.CuArray(v))
end

end # module RevadYaoCUDAExt
