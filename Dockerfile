# olenv in a container: docker build -t olenv . ; see the README for the run line.
FROM python:3.11-slim

# A user of its own: olenv needs no root, and files it writes belong to nobody else.
RUN useradd --create-home --uid 1000 olenv
WORKDIR /src
COPY setup.cfg setup.py README.md LICENSE ./
COPY olenv ./olenv
COPY shell ./shell
COPY bin ./bin
RUN pip install --no-cache-dir . && rm -rf /src

USER olenv
WORKDIR /home/olenv
ENTRYPOINT ["olenv"]
CMD ["--help"]
