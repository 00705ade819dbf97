"""Beyond one device: the statevector split over devices (``jax.sharding``)."""
