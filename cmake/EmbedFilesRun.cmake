# cmake -DOUTPUT=file.cc -DNAMESPACE=ns -DBASE=dir -DHEADER=h.h -DFILES="dir/a;dir/b"
#   -P cmake/EmbedFilesRun.cmake
# events_embed_files (EmbedFiles.cmake) for files that the build itself writes, which do not
# exist yet when CMake configures: a custom command runs this after the files are made.
include(${CMAKE_CURRENT_LIST_DIR}/EmbedFiles.cmake)
events_embed_files(OUTPUT ${OUTPUT} NAMESPACE ${NAMESPACE} BASE ${BASE} HEADER ${HEADER}
  FILES ${FILES})
# Newer than the files even when unchanged, so the build does not run this again until they
# change (the build recompiles OUTPUT then, which is cheap next to what changed them).
file(TOUCH ${OUTPUT})
