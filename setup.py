from setuptools import find_packages, setup

# The shell sources stay in shell/ at the top, where packagers and readers look for them,
# and are installed as the package olenv.shell, where `olenv hook` reads them.
setup(
    packages=[*find_packages(include=["olenv", "olenv.*"]), "olenv.shell"],
    package_dir={"olenv.shell": "shell"},
    package_data={"olenv.shell": ["olenv.*", "completions/*"]},
)
