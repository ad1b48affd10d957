# SIGIPC_STATIC: a sigipc that needs no shared library at all, to drop into a
# root filesystem or an initramfs that has no libc of its own (the kernel
# cells boot such a binary). Every library is taken as its static archive from
# the same -dev packages (libseccomp.a, libyaml-cpp.a, libgtest.a), and the
# executable is linked with -static. glibc warns at link time that getpwnam &
# co. need its NSS modules at run time: the suite resolves no user names
# (RunAsUser takes uid 65534 directly), so the warning is harmless.
if(NOT SIGIPC_STATIC)
  return()
endif()

# Imported targets of shared libraries name the .so: point them at the .a
# next to it.
function(sigipc_use_static_archive target property)
  get_target_property(value ${target} ${property})
  if(NOT value)
    return()
  endif()
  set(out)
  foreach(item ${value})
    if(item MATCHES "^/.*\\.so(\\.[0-9.]+)?$")
      string(REGEX REPLACE "\\.so(\\.[0-9.]+)?$" ".a" archive "${item}")
      if(NOT EXISTS "${archive}")
        message(FATAL_ERROR "SIGIPC_STATIC: no static library ${archive} for ${item}")
      endif()
      set(item "${archive}")
    endif()
    list(APPEND out "${item}")
  endforeach()
  set_target_properties(${target} PROPERTIES ${property} "${out}")
endfunction()

sigipc_use_static_archive(PkgConfig::SECCOMP INTERFACE_LINK_LIBRARIES)
get_target_property(yaml_configs yaml-cpp IMPORTED_CONFIGURATIONS)
foreach(config ${yaml_configs})
  sigipc_use_static_archive(yaml-cpp IMPORTED_LOCATION_${config})
endforeach()
sigipc_use_static_archive(yaml-cpp IMPORTED_LOCATION)

target_link_options(sigipc PRIVATE -static)
