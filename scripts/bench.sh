#!/usr/bin/env bash
echo "no benchmark yet"
