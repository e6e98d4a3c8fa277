from . import offer_package
