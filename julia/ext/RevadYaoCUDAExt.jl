"""
    RevadYaoCUDAExt

Loads with CUDA.jl and gives RevadYao a GPU register: `device = "cuda"` then starts from
Yao's `cuzero_state` (Yao's own CUDA extension supplies the GPU kernels).
"""
module RevadYaoCUDAExt

using CUDA: CUDA
using RevadYao: RevadYao
using Yao: cuzero_state

function RevadYao.gpu_zero_state(::Type{CT}, n::Int) where {CT <: Complex}
    CUDA.functional() || error("CUDA.jl is loaded but finds no working GPU")
    return cuzero_state(CT, n)
end

end # module RevadYaoCUDAExt
